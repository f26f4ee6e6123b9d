import express from 'express';
import request from 'supertest';
import { grantkit, type ExpressAdapterOptions } from '../../adapters/express/index.js';
import { createGrantKit, MemoryStore, sandboxProvider, type GrantKit, type GrantKitOptions, type Store } from '../../src/index.js';
import { collectAudit, rememberSecret } from './audit-collector.js';

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'test-client-secret';
export const SECRET_KEY = 'k'.repeat(40);
rememberSecret(CLIENT_SECRET, 'other-client-secret', SECRET_KEY);

/** A clock tests move by hand. */
export class TestClock {
  constructor(public now = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface TestKit {
  kit: GrantKit;
  store: MemoryStore;
  clock: TestClock;
}

export function makeKit(overrides: Partial<GrantKitOptions> = {}): TestKit {
  const clock = new TestClock();
  const store = new MemoryStore();
  const kit = createGrantKit({
    clients: [
      { id: CLIENT_ID, secret: CLIENT_SECRET },
      { id: 'other-client', secret: 'other-client-secret' },
    ],
    secretKeys: [SECRET_KEY],
    providers: [sandboxProvider()],
    store,
    clock: clock.read,
    // Every event of every test is checked for secrets (audit-collector.ts).
    audit: collectAudit,
    ...overrides,
  });
  return { kit, store, clock };
}

/** A real Express app with grantkit's routes and a few guarded routes of its own. */
export function makeApp(kit: GrantKit, options: ExpressAdapterOptions = {}): express.Express {
  const gk = grantkit(kit, options);
  const app = express();
  app.use(gk.routes());
  app.get('/messages', gk.requireScopes('email.read_only'), (req, res) => {
    res.json({ grant: req.grant?.id ?? null });
  });
  app.put('/messages/:id', gk.requireScopes('email.modify'), (req, res) => {
    res.json({ grant: req.grant?.id ?? null });
  });
  app.get('/both', gk.requireAllScopes('email.read_only', 'calendar'), (req, res) => {
    res.json({ grant: req.grant?.id ?? null });
  });
  app.get('/open', gk.resolve(), (req, res) => {
    res.json({ grant: req.grant?.id ?? null });
  });
  app.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), (req, res) => {
    res.json({ grant: req.grant?.id ?? null });
  });
  // The app's own error handler, to see what throw mode hands it.
  app.use((err: Error & { status?: number; body?: unknown; headers?: Record<string, string> }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).set(err.headers ?? {}).json({ handledByApp: true, body: err.body });
  });
  return app;
}

export interface AuthorizeInput {
  email?: string;
  scopes?: unknown;
  password?: string;
  provider?: string;
  name?: string;
}

/** The seed 004 flow: /connect/authorize then /connect/token. Returns the parsed bodies. */
export async function nativeCode(app: express.Express, input: AuthorizeInput = {}): Promise<string> {
  const res = await request(app)
    .post('/connect/authorize')
    .send({
      client_id: CLIENT_ID,
      name: input.name ?? 'Ada Lovelace',
      email_address: input.email ?? 'ada@example.com',
      provider: input.provider ?? 'sandbox',
      settings: { password: input.password ?? 'sandbox' },
      ...(input.scopes === undefined ? {} : { scopes: input.scopes }),
    });
  if (res.status !== 200) throw new Error(`authorize failed: ${res.status} ${JSON.stringify(res.body)}`);
  rememberSecret(res.body.code as string);
  return res.body.code as string;
}

export async function redeem(app: express.Express, code: string): Promise<request.Response> {
  return request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code });
}

export async function nativeToken(app: express.Express, input: AuthorizeInput = {}): Promise<{ token: string; accountId: string }> {
  const res = await redeem(app, await nativeCode(app, input));
  if (res.status !== 200) throw new Error(`token failed: ${res.status} ${JSON.stringify(res.body)}`);
  rememberSecret(res.body.access_token as string);
  return { token: res.body.access_token as string, accountId: res.body.account_id as string };
}

/**
 * A third-party store as small as the Store interface allows: only its required methods, each
 * handed to `inner`. No subscribe(), rateLimiter(), knows() or connectors, so a test sees what the
 * kit does without them.
 */
export function minimalStore(inner: Store): Store {
  return {
    getGrant: (id) => inner.getGrant(id),
    findGrantByEmail: (c, e) => inner.findGrantByEmail(c, e),
    putGrant: (g) => inner.putGrant(g),
    deleteGrant: (id) => inner.deleteGrant(id),
    listGrants: (f) => inner.listGrants(f),
    putToken: (t) => inner.putToken(t),
    resolve: (h, n) => inner.resolve(h, n),
    consume: (h, n) => inner.consume(h, n),
    rotate: (o, next, now) => inner.rotate(o, next, now),
    revokeToken: (h) => inner.revokeToken(h),
    revokeFamily: (f) => inner.revokeFamily(f),
    revokeGrantTokens: (g) => inner.revokeGrantTokens(g),
    listTokens: (f) => inner.listTokens(f),
  };
}
