import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { verifyWebhookSignature } from '../../src/index.js';

/** A webhook envelope as a receiver parses it. */
export interface Envelope {
  readonly specversion: string;
  readonly type: string;
  readonly source: string;
  readonly id: string;
  readonly time: number;
  readonly webhook_delivery_attempt: number;
  readonly data: { readonly application_id: string; readonly object: Record<string, unknown> };
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  /** Envelopes whose signature checked out and that were answered 200, in order. */
  readonly received: Envelope[];
  /** Signed envelopes answered 500 (`failFirst`), in order. */
  readonly failed: Envelope[];
  /** POSTs answered 401 for a bad signature. */
  refused(): number;
  /** Every POST, whatever the answer. */
  posts(): number;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** Listen on this port (a receiver coming back up where it was). Default: any free one. */
  readonly port?: number;
  /** Answer 500 to this many signed POSTs first (Infinity: a receiver that stays down). */
  readonly failFirst?: number;
  /** Never answer (until closed). */
  readonly hang?: boolean;
}

/** A receiver as a user would write one: the raw body, the signature checked, 200 for a good one. */
export async function startReceiver(secret: string, options: ReceiverOptions = {}): Promise<Receiver> {
  const received: Envelope[] = [];
  const failed: Envelope[] = [];
  let refused = 0;
  let posts = 0;
  let failures = options.failFirst ?? 0;
  const app = express();
  app.post('/webhooks/nylas', express.raw({ type: 'application/json' }), (req, res) => {
    posts++;
    if (options.hang) return;
    if (!verifyWebhookSignature(req.body as Buffer, req.get('x-nylas-signature'), secret)) {
      refused++;
      return res.status(401).end();
    }
    const envelope = JSON.parse((req.body as Buffer).toString('utf8')) as Envelope;
    if (failures > 0) {
      failures--;
      failed.push(envelope);
      return res.status(500).end();
    }
    received.push(envelope);
    return res.status(200).json({ ok: true });
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: webhookUrl(port),
    port,
    received,
    failed,
    refused: () => refused,
    posts: () => posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The receiver's URL on a port, for an app configured before the receiver is up. */
export function webhookUrl(port: number): string {
  return `http://127.0.0.1:${port}/webhooks/nylas`;
}

/** Polls until `cond` holds; fails after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
