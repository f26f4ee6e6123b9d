import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { grantkit } from '../../../adapters/express/index.js';
import { createGrantKit, sandboxProvider, type GrantKit } from '../../../src/index.js';
import { TOKEN_PREFIX } from '../../../src/crypto/tokens.js';
import { kitContext } from '../../../src/kit.js';
import { issueHostedCode } from '../../../src/oauth/hosted-code.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { PostgresStore } from '../../../src/store/sql/postgres.js';
import { RedisStore } from '../../../src/store/redis/store.js';
import { SqliteStore } from '../../../src/store/sql/sqlite.js';
import type { Store } from '../../../src/store/store.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl } from '../../support/servers.js';

/**
 * A replayed code or refresh token revokes its whole chain, and revocation must win the race
 * against the redemption it collides with: the winner may still be writing its tokens when the
 * replay revokes the family. Every try here fires the redemption, waits 0 to 10 ms, fires the
 * replay, and then asks for every token of the chain: none may resolve, none may be stored.
 */

const CLIENT = 'replay-client';
const SECRET = 'replay-client-secret';
const CALLBACK = 'http://127.0.0.1:9/callback';
/** The full matrix on the networked stores, where the window is widest. */
const FULL = { offsets: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], tries: 20 };
/** A lighter one on the embedded stores, whose writes leave the event loop less often. */
const LIGHT = { offsets: [0, 1, 3, 6, 10], tries: 10 };

interface StoreUnderTest {
  readonly store: Store;
  cleanup(): Promise<void>;
}

interface Rig {
  readonly kit: GrantKit;
  readonly app: express.Express;
  readonly store: Store;
}

function rigFor(store: Store, cache = false): Rig {
  const kit = createGrantKit({
    clients: [{ id: CLIENT, secret: SECRET, callbackUris: [CALLBACK] }],
    secretKeys: ['r'.repeat(40)],
    providers: [sandboxProvider()],
    store,
    // Hundreds of deliberate replays from one address: this file tests the race, not the limits.
    rateLimits: false,
    cache,
    issuer: 'http://127.0.0.1',
  });
  const gk = grantkit(kit);
  const app = express();
  app.use(gk.routes());
  // 200 only while the token resolves to its grant.
  app.get('/open', gk.resolve(), (req, res) => {
    res.status(req.grant ? 200 : 401).json({ grant: req.grant?.id ?? null });
  });
  return { kit, app, store };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A hosted v3 code as the provider callback issues one (the upstream sign-in itself is covered in test/e2e/oauth). */
function hostedCode(kit: GrantKit, email: string, offline: boolean): Promise<string> {
  return issueHostedCode(
    kitContext(kit),
    {
      api: 'v3',
      provider: 'google',
      grantProvider: 'google',
      connectorId: 'google',
      clientId: CLIENT,
      redirectUri: CALLBACK,
      email,
      name: 'Replay',
      scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
      accessType: offline ? 'offline' : 'online',
    },
    { access_token: 'upstream-at', refresh_token: 'upstream-rt' },
    10 * 60 * 1000,
  );
}

async function nativeCode(app: express.Express, email: string): Promise<string> {
  const res = await request(app)
    .post('/connect/authorize')
    .send({ client_id: CLIENT, name: 'Replay', email_address: email, provider: 'sandbox', settings: { password: 'sandbox' } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.code as string;
}

const v3Token = (app: express.Express, body: Record<string, string>): Promise<request.Response> =>
  request(app)
    .post('/v3/connect/token')
    .send({ client_id: CLIENT, client_secret: SECRET, ...body });

/** One flow: prepares a secret to race on, and presents it once. */
interface Flow {
  readonly name: string;
  prepare(rig: Rig, email: string): Promise<string>;
  present(rig: Rig, secret: string): Promise<request.Response>;
}

const FLOWS: readonly Flow[] = [
  {
    name: 'native codes (/connect/token)',
    prepare: (rig, email) => nativeCode(rig.app, email),
    present: (rig, code) => request(rig.app).post('/connect/token').send({ client_id: CLIENT, client_secret: SECRET, code }),
  },
  {
    name: 'hosted codes (/v3/connect/token)',
    prepare: (rig, email) => hostedCode(rig.kit, email, true),
    present: (rig, code) => v3Token(rig.app, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK }),
  },
  {
    name: 'refresh tokens (/v3/connect/token)',
    async prepare(rig, email) {
      const code = await hostedCode(rig.kit, email, true);
      const res = await v3Token(rig.app, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.refresh_token as string;
    },
    present: (rig, rt) => v3Token(rig.app, { grant_type: 'refresh_token', refresh_token: rt }),
  },
];

interface Outcome {
  readonly email: string;
  readonly statuses: readonly number[];
  /** Every token handed out by a 200 of the race. */
  readonly issued: readonly string[];
}

/** The redemption, then `offsetMs` later the replay of the same secret. */
async function race(rig: Rig, flow: Flow, offsetMs: number): Promise<Outcome> {
  const email = `replay-${randomUUID()}@example.com`;
  const secret = await flow.prepare(rig, email);
  const first = flow.present(rig, secret);
  if (offsetMs > 0) await sleep(offsetMs);
  const replies = await Promise.all([first, flow.present(rig, secret)]);
  const issued: string[] = [];
  for (const r of replies) {
    if (r.status !== 200) continue;
    for (const k of ['access_token', 'refresh_token']) if (typeof r.body[k] === 'string') issued.push(r.body[k] as string);
  }
  return { email, statuses: replies.map((r) => r.status), issued };
}

/** What is still alive of a race's chain: tokens that resolve, and token rows of its grant. */
async function survivors(rig: Rig, o: Outcome): Promise<string[]> {
  const alive: string[] = [];
  for (const token of o.issued) {
    const res = await request(rig.app).get('/open').set('authorization', `Bearer ${token}`);
    if (res.status !== 401) alive.push(`${token.slice(0, 4)}… resolves (${res.status})`);
    if (token.startsWith(TOKEN_PREFIX.refresh)) {
      // A refresh token of the chain must not rotate either.
      const again = await v3Token(rig.app, { grant_type: 'refresh_token', refresh_token: token });
      if (again.status === 200) alive.push('a refresh token of the chain still rotates');
    }
  }
  const grant = await rig.store.findGrantByEmail(CLIENT, o.email);
  if (grant) {
    for (const kind of ['access', 'refresh'] as const) {
      const rows = await rig.store.listTokens({ kind, grantId: grant.id });
      for (const row of rows) alive.push(`${kind} row ${row.hash.slice(0, 8)} of the chain is still stored`);
    }
  }
  return alive;
}

function raceSuite(name: string, make: () => Promise<StoreUnderTest>, skip: string | false, matrix = FULL): void {
  describe(`replay against redemption on ${name}`, { skip }, () => {
    let made: StoreUnderTest;
    let rig: Rig;
    before(async () => {
      made = await make();
      rig = rigFor(made.store);
      await rig.kit.ready();
    });
    after(async () => {
      await made?.cleanup();
    });

    for (const flow of FLOWS) {
      it(`${flow.name}: a replay 0 to 10 ms after the redemption leaves no token of the chain alive (${matrix.tries} tries per offset)`, async () => {
        const problems: string[] = [];
        for (const offset of matrix.offsets) {
          const outcomes = await Promise.all(Array.from({ length: matrix.tries }, () => race(rig, flow, offset)));
          const alive = await Promise.all(outcomes.map((o) => survivors(rig, o)));
          outcomes.forEach((o, i) => {
            const ok = [...o.statuses].sort().join(',');
            if (ok !== '200,400') problems.push(`offset ${offset} ms: statuses ${o.statuses.join(',')}`);
            for (const s of alive[i]!) problems.push(`offset ${offset} ms: ${s}`);
          });
        }
        assert.deepEqual(problems, [], `${problems.length} problems, e.g.\n${problems.slice(0, 10).join('\n')}`);
      });
    }
  });
}

raceSuite('memory', async () => ({ store: new MemoryStore(), cleanup: async () => {} }), false, LIGHT);

raceSuite(
  'SQLite',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantkit-replay-'));
    const store = new SqliteStore({ filename: join(dir, 'grantkit.db') });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  false,
  LIGHT,
);

raceSuite(
  'PostgreSQL',
  async () => {
    const schema = `gk_test_${randomBytes(6).toString('hex')}`;
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    await store.migrate();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  await probePostgres(),
);

raceSuite(
  'Redis',
  async () => {
    const prefix = `gk_test_${randomBytes(6).toString('hex')}:`;
    const store = new RedisStore({ url: redisUrl, prefix });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await deleteKeys(prefix);
      },
    };
  },
  await probeRedis(),
);

