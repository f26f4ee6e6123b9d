import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { after, before, describe, it } from 'node:test';
import Router from '@koa/router';
import express from 'express';
import Koa from 'koa';
import pg from 'pg';
import { Redis } from 'ioredis';
import request from 'supertest';
import { grantkit as expressGrantkit } from '../../adapters/express/index.js';
import { grantkit as koaGrantkit } from '../../adapters/koa/index.js';
import { createGrantKit, MemoryStore, sandboxProvider, type GrantKit, type Store } from '../../src/index.js';
import { RedisStore } from '../../src/store/redis/store.js';
import { PostgresStore } from '../../src/store/sql/postgres.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, nativeToken, SECRET_KEY } from '../support/helpers.js';
import { freePort, stop, within } from '../support/processes.js';
import { startRedisServer, redisServerMissing } from '../support/redis-server.js';
import { dropSchema, postgresUrl, probePostgres } from '../support/servers.js';

/**
 * `gk.health()` on Express and Koa, mounted at /healthz beside a guarded route: the memory store,
 * then PostgreSQL and Redis with the grant cache while their invalidation channel is taken down
 * again and again (200 degraded, reads still served from the store) and left alone (200 ok once
 * re-subscribed), then a Redis that is gone (503 in the documented error format, no secret).
 */
function apps(kit: GrantKit): Record<'express' | 'koa', RequestListener> {
  const egk = expressGrantkit(kit);
  const e = express();
  e.get('/healthz', egk.health());
  e.get('/messages', egk.requireScopes('email.read_only'), (req, res) => void res.json({ grant: req.grant?.id ?? null }));
  const kgk = koaGrantkit(kit);
  const router = new Router();
  router.get('/healthz', kgk.health());
  router.get('/messages', kgk.requireScopes('email.read_only'), (ctx) => {
    ctx.body = { grant: ctx.state.grant?.id ?? null };
  });
  const k = new Koa();
  k.use(router.routes());
  return { express: e, koa: k.callback() };
}

function kitOn(store: Store, cache: boolean): GrantKit {
  return createGrantKit({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
    secretKeys: [SECRET_KEY],
    providers: [sandboxProvider()],
    store,
    cache,
    onError: () => {},
  });
}

interface HealthBody {
  status: string;
  degraded: boolean;
  store: { reachable: boolean; latencyMs: number };
  invalidation: { state: string; cacheServing: boolean };
}

async function health(app: RequestListener): Promise<{ status: number; body: HealthBody; text: string; headers: Record<string, string> }> {
  const r = await request(app).get('/healthz');
  return { status: r.status, body: r.body as HealthBody, text: r.text, headers: r.headers as Record<string, string> };
}

describe('gk.health() with the memory store', () => {
  it('answers 200 ok on both frameworks: no cache, no channel', async () => {
    const kit = kitOn(new MemoryStore(), false);
    for (const app of Object.values(apps(kit))) {
      const r = await health(app);
      assert.equal(r.status, 200);
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.deepEqual({ ...r.body, store: { ...r.body.store, latencyMs: 0 } }, {
        status: 'ok',
        degraded: false,
        store: { reachable: true, latencyMs: 0 },
        invalidation: { state: 'none', cacheServing: false },
      });
    }
  });

  it('with the cache, reports the in-process channel as subscribed', async () => {
    const kit = kitOn(new MemoryStore(), true);
    await kit.ready();
    for (const app of Object.values(apps(kit))) assert.deepEqual((await health(app)).body.invalidation, { state: 'subscribed', cacheServing: true });
  });
});

/**
 * Takes the channel down over and over (`kill`) until both frameworks have answered 200 degraded
 * and a guarded read was still answered 200 (from the store); then stops and waits for 200 ok.
 */
async function channelDownThenBack(kit: GrantKit, kill: () => Promise<void>): Promise<void> {
  const both = apps(kit);
  const maker = makeApp(kit);
  const { token } = await nativeToken(maker);
  for (const app of Object.values(both)) {
    const r = await health(app);
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.deepEqual(r.body.invalidation, { state: 'subscribed', cacheServing: true });
  }
  let killing = true;
  const killer = (async () => {
    while (killing) {
      await kill().catch(() => {});
      await new Promise((r) => setTimeout(r, 30));
    }
  })();
  try {
    for (const [name, app] of Object.entries(both)) {
      await within(10_000, async () => {
        const r = await health(app);
        assert.equal(r.status, 200, `${name}: ${r.text}`);
        return r.body.degraded && r.body.status === 'degraded' && r.body.invalidation.state === 'down' && !r.body.invalidation.cacheServing;
      }, `${name} reporting degraded`);
      // The cache steps aside; the read is answered from the store, never 503.
      assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 200);
    }
  } finally {
    killing = false;
    await killer;
  }
  for (const [name, app] of Object.entries(both)) {
    await within(10_000, async () => {
      const r = await health(app);
      return r.status === 200 && r.body.status === 'ok' && !r.body.degraded && r.body.invalidation.cacheServing;
    }, `${name} re-subscribed`);
  }
}

describe('gk.health() on PostgreSQL with the cache', { skip: await probePostgres() }, () => {
  const schema = `gk_health_${randomBytes(5).toString('hex')}`;
  const channel = `grantkit_invalidate_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
  let kit: GrantKit;
  let admin: pg.Client;

  before(async () => {
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    await store.migrate();
    kit = kitOn(store, true);
    await kit.ready();
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
  });
  after(async () => {
    await kit?.close();
    await admin?.end();
    await dropSchema(schema);
  });

  it('LISTEN backend terminated: 200 degraded on both frameworks, then 200 ok once it listens again', async () => {
    await channelDownThenBack(kit, async () => {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [channel]);
    });
  });
});

describe('gk.health() on Redis with the cache (a redis-server of its own)', { skip: redisServerMissing() }, () => {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  let port = 0;
  let server: ChildProcess | undefined;
  let kit: GrantKit;
  let admin: Redis;

  before(async () => {
    port = await freePort();
    server = await startRedisServer(port, ['--requirepass', password]);
    kit = kitOn(new RedisStore({ url: `redis://:${password}@127.0.0.1:${port}`, prefix: 'gk_health:' }), true);
    await kit.ready();
    admin = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, retryStrategy: () => null });
    admin.on('error', () => {});
    await admin.connect();
  });
  after(async () => {
    admin?.disconnect();
    await kit?.close();
    await stop(server, 'SIGKILL');
  });

  it('pub/sub connection killed: 200 degraded on both frameworks, then 200 ok once subscribed again', async () => {
    await channelDownThenBack(kit, async () => {
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    });
  });

  it('the server gone: 503 in the v2 error format with Retry-After, no password, host or port in the body', async () => {
    admin.disconnect();
    await stop(server, 'SIGKILL');
    server = undefined;
    for (const [name, app] of Object.entries(apps(kit))) {
      const r = await health(app);
      assert.equal(r.status, 503, `${name}: ${r.text}`);
      assert.equal(r.headers['retry-after'], '1');
      assert.deepEqual(Object.keys(r.body).sort(), ['message', 'type']);
      assert.equal((r.body as unknown as { type: string }).type, 'api_error');
      for (const secret of [password, String(port), '127.0.0.1', 'redis://']) assert.ok(!r.text.includes(secret), `${name} leaks ${secret}`);
    }
    const report = await kit.health();
    assert.equal(report.status, 'down');
    assert.equal(report.store.reachable, false);
    assert.ok(!JSON.stringify(report).includes(password));
  });
});
