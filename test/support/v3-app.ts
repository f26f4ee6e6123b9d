import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import NylasDefault from 'nylas';
import type * as NylasTypes from 'nylas';

/**
 * `import Nylas from 'nylas'` is the class at run time, but the package's types are read as
 * CommonJS under NodeNext, so TypeScript sees the module object; this restores the class type.
 */
export const Nylas = NylasDefault as unknown as typeof NylasTypes.default.default;
export type Nylas = InstanceType<typeof NylasTypes.default.default>;
import { grantkit } from '../../adapters/express/index.js';
import { createGrantKit, sandboxProvider, type GrantKit, type GrantKitOptions } from '../../src/index.js';
import { collectAudit, rememberSecret } from './audit-collector.js';

export const CLIENT_ID = 'v3-test-client';
export const CLIENT_SECRET = 'v3-test-client-secret';
export const API_KEY = 'test-api-key-0123456789abcdef';
export const SECRET_KEY = 'v3-tests-secret-key-at-least-32-characters';
rememberSecret(CLIENT_SECRET, API_KEY, SECRET_KEY);

export interface V3App {
  readonly kit: GrantKit;
  readonly app: express.Express;
  readonly url: string;
  readonly nylas: Nylas;
  close(): Promise<void>;
}

/** A real Express app on loopback with grantkit's routes and a guarded v3 data route. */
export async function startV3App(extra: Partial<GrantKitOptions> = {}): Promise<V3App> {
  const kit = createGrantKit({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
    secretKeys: [SECRET_KEY],
    providers: [sandboxProvider()],
    requireHttps: false,
    audit: collectAudit,
    ...extra,
  });
  await kit.apiKeys.import(API_KEY, { label: 'tests' });
  const gk = grantkit(kit);
  const app = express();
  app.use(gk.routes());
  app.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), (req, res) => {
    res.json({ grant_id: req.grant!.id, email: req.grant!.email });
  });
  app.use(gk.gate());
  app.all('/v3/grants/:grant/{*rest}', (req, res) => {
    res.json({ grant_id: req.grant?.id ?? null });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    kit,
    app,
    url,
    nylas: new Nylas({ apiKey: API_KEY, apiUri: url, timeout: 10 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A v2 native authorization through HTTP: returns the grant id and a v2 access token. */
export async function nativeGrant(url: string, email: string, scopes = 'email.read_only,calendar'): Promise<{ grantId: string; token: string }> {
  const auth = await fetch(`${url}/connect/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, email_address: email, provider: 'sandbox', settings: { password: 'sandbox' }, scopes }),
  });
  const { code } = (await auth.json()) as { code: string };
  const tok = await fetch(`${url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code }),
  });
  const body = (await tok.json()) as { id: string; access_token: string };
  return { grantId: body.id, token: body.access_token };
}

/** Captures an SDK rejection. */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
