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
import { PostgresStore } from '../../../src/store/sql/postgres.js';
import { RedisStore } from '../../../src/store/redis/store.js';
import { SqliteStore } from '../../../src/store/sql/sqlite.js';
import type { Store } from '../../../src/store/store.js';
import { APP_ENV, authorize, call, redeem, startApp, within, type AppProcess } from '../../support/processes.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl } from '../../support/servers.js';

/**
 * Replay against redemption where more than one instance shares the store: kits with the grant
 * cache on (PostgreSQL, Redis), and two app processes on one SQLite file. replay.test.ts has the
 * single-instance matrix.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CLIENT = 'replay-client';
const SECRET = 'replay-client-secret';
/** The grant cache's documented bound: a revocation is seen everywhere within its TTL (at most 5 s). */
const CACHE_BOUND_MS = 5000;

interface Instance {
  readonly kit: GrantKit;
  readonly app: express.Express;
  readonly store: Store;
}

function instance(store: Store): Instance {
  const kit = createGrantKit({
    clients: [{ id: CLIENT, secret: SECRET }],
    secretKeys: ['r'.repeat(40)],
    providers: [sandboxProvider()],
    store,
    // Hundreds of deliberate replays from one address: this file tests the race, not the limits.
    rateLimits: false,
    cache: true,
  });
  const gk = grantkit(kit);
  const app = express();
  app.use(gk.routes());
  app.get('/open', gk.resolve(), (req, res) => {
    res.status(req.grant ? 200 : 401).json({ grant: req.grant?.id ?? null });
  });
  return { kit, app, store };
}

const resolves = async (i: Instance, token: string): Promise<boolean> =>
  (await request(i.app).get('/open').set('authorization', `Bearer ${token}`)).status === 200;

function cachedSuite(name: string, open: () => Store, prepare: () => Promise<unknown>, cleanup: () => Promise<void>, skip: string | false): void {
  describe(`replay against redemption on two cached instances sharing ${name}`, { skip }, () => {
    let a: Instance;
    let b: Instance;
    before(async () => {
      await prepare();
      a = instance(open());
      b = instance(open());
      await Promise.all([a.kit.ready(), b.kit.ready()]);
    });
    after(async () => {
      await Promise.all([a?.kit.close(), b?.kit.close()]);
      await cleanup();
    });

    it('with the cache on, the winner of a redemption replayed 0 to 10 ms later through the other instance stops resolving on both within the cache bound', async () => {
      const problems: string[] = [];
      for (const offset of [0, 1, 2, 4, 7, 10]) {
        const tries = await Promise.all(
          Array.from({ length: 5 }, async () => {
            const auth = await request(a.app)
              .post('/connect/authorize')
              .send({ client_id: CLIENT, email_address: `cached-${randomUUID()}@example.com`, provider: 'sandbox', settings: { password: 'sandbox' } });
            const code = auth.body.code as string;
            const present = (i: Instance) => request(i.app).post('/connect/token').send({ client_id: CLIENT, client_secret: SECRET, code });
            // The winner's token is resolved on both instances the moment it is issued, so a cache
            // may hold it when the revocation lands.
            const first = present(a).then(async (r) => {
              const token = r.body.access_token as string | undefined;
              if (token !== undefined) await Promise.all([resolves(a, token), resolves(b, token)]);
              return r;
            });
            if (offset > 0) await sleep(offset);
            return Promise.all([first, present(b)]);
          }),
        );
        const winners: string[] = [];
        for (const replies of tries) {
          const statuses = replies.map((r) => r.status).sort().join(',');
          if (statuses !== '200,400') problems.push(`offset ${offset} ms: statuses ${statuses}`);
          for (const r of replies) if (typeof r.body.access_token === 'string') winners.push(r.body.access_token);
        }
        await Promise.all(
          winners.map((token) =>
            within(CACHE_BOUND_MS, async () => !(await resolves(a, token)) && !(await resolves(b, token)), 'the winner stops resolving').catch(() => {
              problems.push(`offset ${offset} ms: the winner's token still resolves after ${CACHE_BOUND_MS} ms`);
            }),
          ),
        );
      }
      assert.deepEqual(problems, [], problems.slice(0, 10).join('\n'));
    });
  });
}

const schema = `gk_test_${randomBytes(6).toString('hex')}`;
cachedSuite(
  'PostgreSQL',
  () => new PostgresStore({ connectionString: postgresUrl, schema }),
  async () => {
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    await store.migrate();
    await store.close();
  },
  () => dropSchema(schema),
  await probePostgres(),
);

const prefix = `gk_test_${randomBytes(6).toString('hex')}:`;
cachedSuite('Redis', () => new RedisStore({ url: redisUrl, prefix }), async () => {}, () => deleteKeys(prefix), await probeRedis());

/**
 * Two app processes (the Express example, grant cache on) on one SQLite file: the marker is in the
 * file, so a replay through one process kills what the other is still issuing.
 */
describe('replay against redemption across two processes sharing one SQLite file', () => {
  let dir = '';
  let a: AppProcess | undefined;
  let b: AppProcess | undefined;
  let store: SqliteStore | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-replay-two-'));
    const url = `sqlite:${join(dir, 'grantkit.db')}`;
    a = await startApp({ GRANTKIT_STORE: url });
    b = await startApp({ GRANTKIT_STORE: url });
    store = new SqliteStore({ filename: join(dir, 'grantkit.db') });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a code redeemed through one process and replayed through the other 0 to 10 ms later leaves no token alive in either', async () => {
    const problems: string[] = [];
    for (const offset of [0, 1, 2, 4, 7, 10]) {
      const tries = await Promise.all(
        Array.from({ length: 5 }, async (_, i) => {
          const [winnerSide, replaySide] = i % 2 === 0 ? [a!, b!] : [b!, a!];
          const email = `two-${randomUUID()}@example.com`;
          const code = await authorize(winnerSide.url, email);
          const first = redeem(winnerSide.url, code);
          if (offset > 0) await sleep(offset);
          const replies = await Promise.all([first, redeem(replaySide.url, code)]);
          return { email, replies };
        }),
      );
      for (const { email, replies } of tries) {
        const statuses = replies.map((r) => r.status).sort().join(',');
        if (statuses !== '200,400') problems.push(`offset ${offset} ms: statuses ${statuses}`);
        for (const r of replies) {
          const token = (r.body as { access_token?: string }).access_token;
          if (r.status !== 200 || token === undefined) continue;
          for (const side of [a!, b!]) {
            const seen = await call(side.url, 'GET', '/account', { token });
            if (seen.status !== 401) problems.push(`offset ${offset} ms: the winner's token answers ${seen.status} on ${side.url}`);
          }
        }
        const grant = await store!.findGrantByEmail(APP_ENV.GRANTKIT_CLIENT_ID, email);
        const rows = grant ? await store!.listTokens({ kind: 'access', grantId: grant.id }) : [];
        if (rows.length > 0) problems.push(`offset ${offset} ms: ${rows.length} access token rows of the chain still stored`);
      }
    }
    assert.deepEqual(problems, [], problems.slice(0, 10).join('\n'));
  });
});
