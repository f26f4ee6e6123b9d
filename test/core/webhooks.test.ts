import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { verifyWebhookSignature, WEBHOOK_RETRY_DELAYS_MS, type GrantEvent, type WebhookAttempt } from '../../src/index.js';
import { nativeGrant, startV3App } from '../support/v3-app.js';

const SECRET = 'webhook-secret-0123456789';

/** A receiver as a user would write it: raw body, signature check, dedupe on id, 200. */
async function receiver(failFirst: number) {
  const received: Array<{ type: string; id: string; webhook_delivery_attempt: number; data: { application_id: string; object: Record<string, unknown> } }> = [];
  let refused = 0;
  let calls = 0;
  const app = express();
  app.post('/webhooks/nylas', express.raw({ type: 'application/json' }), (req, res) => {
    if (!verifyWebhookSignature(req.body as Buffer, req.get('x-nylas-signature'), SECRET)) {
      refused++;
      return res.status(401).end();
    }
    if (calls++ < failFirst) return res.status(500).end();
    received.push(JSON.parse((req.body as Buffer).toString('utf8')));
    return res.status(200).json({ ok: true });
  });
  const server = await new Promise<import('node:http').Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/nylas`, received, refused: () => refused, close: () => server.close() };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'timed out waiting');
};

describe('grant lifecycle events and webhooks', () => {
  it('emits grant.created, grant.updated (re-auth), grant.expired and grant.deleted in-process', async () => {
    const a = await startV3App();
    try {
      const seen: GrantEvent[] = [];
      a.kit.events.on('*', (e) => void seen.push(e));
      const g = await nativeGrant(a.url, 'ann@example.com');
      await nativeGrant(a.url, 'ann@example.com');
      await a.kit.expireGrant(g.grantId);
      await a.nylas.grants.destroy({ grantId: g.grantId });
      await until(() => seen.length === 4);
      assert.deepEqual(seen.map((e) => e.type), ['grant.created', 'grant.updated', 'grant.expired', 'grant.deleted']);
      assert.equal(seen[1]!.object.reauthentication_flag, true);
      assert.equal(typeof seen[2]!.object.grant_updated_at, 'number');
      assert.ok(seen.every((e) => e.object.grant_id === g.grantId && typeof e.time === 'number'));
    } finally {
      await a.close();
    }
  });

  it('delivers signed envelopes a user-written receiver verifies, retrying at 1 s, 5 s, 30 s, 2 min, 10 min', async () => {
    const r = await receiver(2);
    const delays: number[] = [];
    const attempts: WebhookAttempt[] = [];
    // The injected scheduler runs at once and records the delay it was asked for.
    const a = await startV3App({
      webhooks: [{ url: r.url, secret: SECRET, scheduler: (task, ms) => (delays.push(ms), setImmediate(task)), onAttempt: (x) => attempts.push(x) }],
    });
    try {
      await a.nylas.auth.customAuthentication({ requestBody: { provider: 'sandbox' as never, settings: { email: 'wes@example.com', password: 'sandbox' } } });
      // The receiver sees the third POST before the sender sees its 200: wait for both.
      await until(() => r.received.length === 1 && attempts.length === 3);
      const env = r.received[0]!;
      assert.equal(env.type, 'grant.created');
      assert.equal(env.webhook_delivery_attempt, 3);
      assert.equal(env.data.application_id, 'v3-test-client');
      assert.equal(env.data.object['email'], 'wes@example.com');
      assert.equal(env.data.object['code'], 25012);
      assert.deepEqual(delays, [0, 1_000, 5_000]);
      assert.deepEqual(attempts.map((x) => x.status), [500, 500, 200]);
      assert.equal(r.refused(), 0);
      assert.deepEqual(WEBHOOK_RETRY_DELAYS_MS, [1_000, 5_000, 30_000, 120_000, 600_000]);
    } finally {
      await a.close();
      r.close();
    }
  });

  it('a receiver with the wrong secret refuses the POST; delivery gives up after six attempts', async () => {
    const r = await receiver(0);
    const delays: number[] = [];
    const a = await startV3App({ webhooks: [{ url: r.url, secret: 'another-secret-0123456789', scheduler: (task, ms) => (delays.push(ms), setImmediate(task)) }], onError: () => {} });
    try {
      await nativeGrant(a.url, 'xan@example.com');
      await until(() => r.refused() === 6);
      assert.deepEqual(delays, [0, 1_000, 5_000, 30_000, 120_000, 600_000]);
      assert.equal(r.received.length, 0);
    } finally {
      await a.close();
      r.close();
    }
  });

  it('verifyWebhookSignature rejects a tampered body and malformed signatures', () => {
    assert.equal(verifyWebhookSignature('{"a":1}', 'zz', SECRET), false);
    assert.equal(verifyWebhookSignature('{"a":1}', undefined, SECRET), false);
    assert.equal(verifyWebhookSignature('{"a":1}', ['x'], SECRET), false);
  });
});
