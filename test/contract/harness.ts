import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { createGrantKit, sandboxProvider, type GrantKit } from '../../src/index.js';
import { collectAudit, rememberSecret } from '../support/audit-collector.js';

/** Fixed values, so every mount answers byte for byte alike (linked_at, created_at …). */
export const CLIENT_ID = 'contract-client';
export const CLIENT_SECRET = 'contract-secret';
export const NOW = 1_750_000_000_000;
rememberSecret(CLIENT_SECRET, 'contract-suite-key-of-at-least-32-characters');

export function contractKit(): GrantKit {
  return createGrantKit({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
    secretKeys: ['contract-suite-key-of-at-least-32-characters'],
    providers: [sandboxProvider()],
    clock: () => NOW,
    audit: collectAudit,
  });
}

/** The grants each mount creates through its own native flow before the cases run. */
export const IDENTITIES = {
  readSend: { email: 'read-send@example.com', scopes: 'email.read_only,email.send' },
  calendar: { email: 'calendar@example.com', scopes: 'calendar.read_only' },
  full: { email: 'full@example.com', scopes: 'email' },
  revokable: { email: 'revokable@example.com', scopes: 'contacts' },
} as const;
export type Identity = keyof typeof IDENTITIES;

export interface Fixture {
  readonly tokens: Readonly<Record<Identity, string>>;
  readonly accounts: Readonly<Record<Identity, string>>;
}

export interface Req {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string is sent as it is (with the headers given). */
  readonly body?: string | Readonly<Record<string, unknown>>;
}

export interface Res {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly text: string;
}

export type Send = (req: Req) => Promise<Res>;

export function sender(app: RequestListener): Send {
  return async (req) => {
    let r = request(app)[req.method.toLowerCase() as 'get'](req.path);
    for (const [k, v] of Object.entries(req.headers ?? {})) r = r.set(k, v);
    if (req.body !== undefined) r = r.send(req.body as string | object);
    const res = await r;
    return { status: res.status, headers: res.headers as Record<string, string | undefined>, text: res.text };
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Runs authorize → token for a new identity: the v2 native flow, on the mount under test. */
export async function connect(send: Send, email: string, scopes: string): Promise<{ token: string; id: string }> {
  const a = await send({
    method: 'POST',
    path: '/connect/authorize',
    body: { client_id: CLIENT_ID, name: 'Contract', email_address: email, provider: 'sandbox', settings: { password: 'sandbox' }, scopes },
  });
  assert.equal(a.status, 200, a.text);
  const { code } = JSON.parse(a.text) as { code: string };
  const t = await send({ method: 'POST', path: '/connect/token', body: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code } });
  assert.equal(t.status, 200, t.text);
  const account = JSON.parse(t.text) as { access_token: string; id: string };
  return { token: account.access_token, id: account.id };
}

export async function setUp(send: Send): Promise<Fixture> {
  const tokens: Partial<Record<Identity, string>> = {};
  const accounts: Partial<Record<Identity, string>> = {};
  for (const [name, who] of Object.entries(IDENTITIES) as Array<[Identity, (typeof IDENTITIES)[Identity]]>) {
    const { token, id } = await connect(send, who.email, who.scopes);
    tokens[name] = token;
    accounts[name] = id;
  }
  return { tokens: tokens as Record<Identity, string>, accounts: accounts as Record<Identity, string> };
}

/** The headers the contract compares; everything else (date, etag, connection) is the framework's. */
export const COMPARED_HEADERS = ['www-authenticate', 'content-type', 'cache-control', 'allow'] as const;

/**
 * A response with every value this mount generated (ids, tokens, codes, request ids) replaced by
 * a placeholder, so the mounts' answers can be compared for equality.
 */
export function normalize(res: Res, fx: Fixture): string {
  let text = res.text;
  for (const name of Object.keys(fx.tokens) as Identity[]) {
    text = text.replaceAll(fx.tokens[name], `<token:${name}>`).replaceAll(fx.accounts[name], `<account:${name}>`);
  }
  text = text
    .replace(/gk_code_[A-Za-z0-9_-]+/g, '<code>')
    .replace(/gk_at_[A-Za-z0-9_-]+/g, '<token>')
    .replace(/"request_id":"[^"]*"/g, '"request_id":"<id>"')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  const headers = COMPARED_HEADERS.map((h) => `${h}: ${res.headers[h] ?? '-'}`).join('\n');
  return `${res.status}\n${headers}\n${text}`;
}
