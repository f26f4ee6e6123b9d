import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type express from 'express';
import request from 'supertest';
import { newSecret, TOKEN_PREFIX } from '../../../src/crypto/tokens.js';
import { createGrantKit, sandboxProvider, type GrantKit } from '../../../src/index.js';
import { RedisStore } from '../../../src/store/redis/store.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, nativeToken, SECRET_KEY } from '../../support/helpers.js';
import { accessToken, call, freePort, startApp, stop, within, type AppProcess } from '../../support/processes.js';
import { redisServerMissing, startRedisServer } from '../../support/redis-server.js';

/** The example's default storeTimeoutMs; every answer during the outage must come within it. */
const STORE_TIMEOUT_MS = 2000;

/**
 * An outage seen through the app: the example process (cache on) on a private redis-server that
 * the test kills and restarts. The server keeps an append-only file, so the grants are there again
 * after the restart and recovery can be seen as 200s, not just as the end of the 503s.
 */
describe('the app during a Redis outage', { skip: redisServerMissing() }, () => {
  let dir = '';
  let port = 0;
  let redis: ChildProcess | undefined;
  let app: AppProcess;
  let token = '';
  // The same outage through an in-process kit, for a v3 path (the example has no v3 routes).
  let kit: GrantKit;
  let v3app: express.Express;
  let v3token = '';
  let v3path = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-redis-'));
    port = await freePort();
    redis = await startRedis(port, dir);
    app = await startApp({ GRANTKIT_STORE: `redis://127.0.0.1:${port}?prefix=gk_app:` });
    ({ token } = await accessToken(app.url, 'outage@example.com'));
    kit = createGrantKit({
      clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
      secretKeys: [SECRET_KEY],
      providers: [sandboxProvider()],
      store: new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: 'gk_v3:' }),
      cache: true,
      onError: () => {},
    });
    await kit.ready();
    v3app = makeApp(kit);
    const issued = await nativeToken(v3app);
    v3token = issued.token;
    v3path = `/v3/grants/${issued.accountId}/messages`;
  });
  after(async () => {
    await app?.stop();
    await kit?.close();
    await stop(redis, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('serves while Redis is up (the second answer from the cache)', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await call(app.url, 'GET', '/messages', { token })).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await request(v3app).get(v3path).set('authorization', `Bearer ${v3token}`)).status, 200);
  });

  it('answers 503 with Retry-After: 1 within the timeout: never a 2xx, never a 401', async () => {
    await stop(redis, 'SIGKILL');
    redis = undefined;
    // The app hears the subscriber connection close in the same instant; give its event loop a turn.
    await sleep(100);
    const unknown = newSecret(TOKEN_PREFIX.access);
    const replies = await Promise.all([
      ...Array.from({ length: 10 }, () => call(app.url, 'GET', '/messages', { token })),
      call(app.url, 'GET', '/account', { token }),
      call(app.url, 'PUT', '/messages/m1', { token }),
      // A token the store was never asked about cannot be called invalid either.
      call(app.url, 'GET', '/messages', { token: unknown }),
    ]);
    for (const r of replies) {
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.equal(r.headers.get('retry-after'), '1');
      assert.deepEqual(Object.keys(r.body as object).sort(), ['message', 'type']);
      assert.equal((r.body as { type: string }).type, 'api_error');
      assert.equal(typeof (r.body as { message: unknown }).message, 'string');
      assert.ok(r.ms < STORE_TIMEOUT_MS + 250, `answered in ${Math.round(r.ms)} ms`);
    }
  });

  it('a v3 path answers 503 in the v3 envelope, type api.internal_error', async () => {
    const started = performance.now();
    const r = await request(v3app).get(v3path).set('authorization', `Bearer ${v3token}`);
    assert.ok(performance.now() - started < STORE_TIMEOUT_MS + 250);
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.body.error.type, 'api.internal_error');
    assert.equal(typeof r.body.request_id, 'string');
  });

  it('recovers by itself once Redis is back', async () => {
    redis = await startRedis(port, dir);
    await within(8000, async () => (await call(app.url, 'GET', '/messages', { token })).status === 200, 'the app serving again');
    assert.equal((await call(app.url, 'GET', '/account', { token })).status, 200);
    await within(8000, async () => (await request(v3app).get(v3path).set('authorization', `Bearer ${v3token}`)).status === 200, 'the v3 app serving again');
    // And a revoked token is refused again: nothing stale was served from the cache.
    assert.equal((await call(app.url, 'POST', '/oauth/revoke', { token })).status, 200);
    assert.equal((await call(app.url, 'GET', '/messages', { token })).status, 401);
  });
});

/** A redis-server of the test's own, persisting every write to an append-only file in `dir`. */
function startRedis(port: number, dir: string): Promise<ChildProcess> {
  return startRedisServer(port, ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always']);
}
