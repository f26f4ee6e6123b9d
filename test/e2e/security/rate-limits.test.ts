import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import Nylas from 'nylas6';
import pg from 'pg';
import request from 'supertest';
import { grantkit as koaGrantkit } from '../../../adapters/koa/index.js';
import {
  ipKey,
  MemoryStore,
  sandboxProvider,
  type GrantKitOptions,
  type NativeProvider,
  type RateLimiterBackend,
  type RateLimiterSpec,
  type Store,
} from '../../../src/index.js';
import { PostgresStore } from '../../../src/store/sql/postgres.js';
import { RedisStore } from '../../../src/store/redis/store.js';
import { SqliteStore } from '../../../src/store/sql/sqlite.js';
import { memoryLimiter } from '../../../src/limits/backends.js';
import { rateLimited } from '../../../src/limits/rate-limits.js';
import { errorResponse } from '../../../src/oauth/authorize.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit, minimalStore, nativeToken } from '../../support/helpers.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl } from '../../support/servers.js';

/** The sandbox provider, counting how often the provider is asked to check a password. */
function countingSandbox(): NativeProvider & { calls: number } {
  const inner = sandboxProvider();
  const p = {
    ...inner,
    calls: 0,
    verify(input: Parameters<NativeProvider['verify']>[0]) {
      p.calls++;
      return inner.verify(input);
    },
  };
  return p;
}

/** An Express app that believes X-Forwarded-For (as behind the app's own proxy), so tests pick the client IP. */
function proxiedApp(options: Partial<GrantKitOptions> = {}) {
  const provider = countingSandbox();
  const { kit, store, clock } = makeKit({ providers: [provider], ...options });
  const app = makeApp(kit);
  app.set('trust proxy', true);
  return { kit, store, clock, app, provider };
}

type App = ReturnType<typeof makeApp>;

function login(app: App, password: string, opts: { email?: string; ip?: string } = {}) {
  const r = request(app).post('/connect/authorize');
  if (opts.ip !== undefined) r.set('x-forwarded-for', opts.ip);
  return r.send({
    client_id: CLIENT_ID,
    email_address: opts.email ?? 'ada@example.com',
    provider: 'sandbox',
    settings: { password },
    scopes: 'email.read_only',
  });
}

/** Only the limit under test is small; the others are out of the way. */
const wide = { limit: 10_000, windowSeconds: 600 };
const only = (rules: NonNullable<Exclude<GrantKitOptions['rateLimits'], false>>): GrantKitOptions['rateLimits'] => ({
  loginPerAddressAndIp: wide,
  loginPerAddress: wide,
  loginPerIp: wide,
  secretPerIp: wide,
  detectPerClient: wide,
  ...rules,
});

describe('failed logins are limited before the provider is asked', () => {
  it('after 5 failed logins for one address from one IP, the right password is refused with 429 and the provider is not called', async () => {
    const { app, provider } = proxiedApp();
    for (let i = 0; i < 5; i++) assert.equal((await login(app, 'wrong', { ip: '198.51.100.1' })).status, 401);
    assert.equal(provider.calls, 5);
    const res = await login(app, 'sandbox', { ip: '198.51.100.1' });
    assert.equal(res.status, 429);
    assert.equal(provider.calls, 5, 'the provider never saw the sixth attempt');
    // The v2 format: api_error, Retry-After, and the headers the v6 SDK reads.
    assert.deepEqual(res.body, { message: 'Too many requests, please try again shortly.', type: 'api_error' });
    const retry = Number(res.headers['retry-after']);
    assert.ok(retry > 14 * 60 && retry <= 15 * 60, `Retry-After ${retry}`);
    assert.equal(res.headers['x-ratelimit-limit'], '5');
    assert.equal(res.headers['x-ratelimit-reset'], res.headers['retry-after']);
    // Another address from the same IP, and the same address from another IP, still get through.
    assert.equal((await login(app, 'sandbox', { ip: '198.51.100.1', email: 'bob@example.com' })).status, 200);
    assert.equal((await login(app, 'sandbox', { ip: '198.51.100.2' })).status, 200);
  });

  it('a burst of concurrent wrong guesses lets only the limit through to the provider', async () => {
    const { app, provider } = proxiedApp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => login(app, 'wrong', { ip: '198.51.100.3' })));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(15).fill(429)]);
    assert.equal(provider.calls, 5);
  });

  it('a success resets the per-address counters', async () => {
    const { app } = proxiedApp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) assert.equal((await login(app, 'wrong', { ip: '198.51.100.4' })).status, 401);
      assert.equal((await login(app, 'sandbox', { ip: '198.51.100.4' })).status, 200, `round ${round}`);
    }
  });

  it('failed logins for one address from any IP are limited too, so a lock-out costs the attacker as much', async () => {
    const { app, provider } = proxiedApp({ rateLimits: only({ loginPerAddress: { limit: 3, windowSeconds: 3600 } }) });
    for (let i = 0; i < 3; i++) assert.equal((await login(app, 'wrong', { ip: `203.0.113.${i + 1}` })).status, 401);
    assert.equal((await login(app, 'sandbox', { ip: '203.0.113.50' })).status, 429);
    assert.equal(provider.calls, 3);
  });

  it('the 20-per-hour per-address default applies across IPs', async () => {
    const { app } = proxiedApp();
    for (let i = 0; i < 20; i++) assert.equal((await login(app, 'wrong', { ip: `192.0.2.${i + 1}` })).status, 401);
    const res = await login(app, 'sandbox', { ip: '192.0.2.200' });
    assert.equal(res.status, 429);
    assert.equal(res.headers['x-ratelimit-limit'], '20');
  });

  it('failed logins per IP are limited across addresses', async () => {
    const { app } = proxiedApp({ rateLimits: only({ loginPerIp: { limit: 3, windowSeconds: 3600 } }) });
    for (let i = 0; i < 3; i++) assert.equal((await login(app, 'wrong', { ip: '198.51.100.9', email: `u${i}@example.com` })).status, 401);
    assert.equal((await login(app, 'sandbox', { ip: '198.51.100.9', email: 'new@example.com' })).status, 429);
    assert.equal((await login(app, 'sandbox', { ip: '198.51.100.10', email: 'new@example.com' })).status, 200);
  });

  it('IPv6 clients are keyed by their /64', async () => {
    assert.equal(ipKey('2001:db8:1:2::1'), ipKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    assert.notEqual(ipKey('2001:db8:1:2::1'), ipKey('2001:db8:1:3::1'));
    assert.equal(ipKey('::ffff:192.0.2.1'), '192.0.2.1');
    const { app } = proxiedApp({ rateLimits: only({ loginPerIp: { limit: 2, windowSeconds: 3600 } }) });
    assert.equal((await login(app, 'wrong', { ip: '2001:db8:1:2::1', email: 'a@example.com' })).status, 401);
    assert.equal((await login(app, 'wrong', { ip: '2001:db8:1:2::abcd', email: 'b@example.com' })).status, 401);
    assert.equal((await login(app, 'sandbox', { ip: '2001:db8:1:2:9::9', email: 'c@example.com' })).status, 429);
    assert.equal((await login(app, 'sandbox', { ip: '2001:db8:1:3::1', email: 'c@example.com' })).status, 200);
  });

  it('X-Forwarded-For does not change the key unless the app trusts its proxy', async () => {
    const provider = countingSandbox();
    const { kit } = makeKit({ providers: [provider], rateLimits: only({ loginPerIp: { limit: 2, windowSeconds: 3600 } }) });
    const app = makeApp(kit); // no trust proxy: req.ip is the socket's address
    assert.equal((await login(app, 'wrong', { ip: '203.0.113.1', email: 'a@example.com' })).status, 401);
    assert.equal((await login(app, 'wrong', { ip: '203.0.113.2', email: 'b@example.com' })).status, 401);
    assert.equal((await login(app, 'sandbox', { ip: '203.0.113.3', email: 'c@example.com' })).status, 429);
  });

  it('skip(ip) exempts the app\'s own server from the per-IP limits, not the per-address one', async () => {
    const { app } = proxiedApp({
      rateLimits: { ...only({ loginPerIp: { limit: 2, windowSeconds: 3600 }, loginPerAddress: { limit: 4, windowSeconds: 3600 } }), skip: (ip) => ip === '10.1.2.3' },
    });
    for (let i = 0; i < 6; i++) {
      assert.equal((await login(app, 'wrong', { ip: '10.1.2.3', email: `u${i}@example.com` })).status, 401, `attempt ${i}`);
    }
    for (let i = 0; i < 4; i++) assert.equal((await login(app, 'wrong', { ip: '10.1.2.3' })).status, 401);
    assert.equal((await login(app, 'sandbox', { ip: '10.1.2.3' })).status, 429, 'the per-address limit still holds');
    for (let i = 0; i < 2; i++) await login(app, 'wrong', { ip: '198.51.100.77', email: `v${i}@example.com` });
    assert.equal((await login(app, 'sandbox', { ip: '198.51.100.77', email: 'w@example.com' })).status, 429);
  });

  it('a bad request or an unreachable provider is not counted', async () => {
    const { app } = proxiedApp({ rateLimits: only({ loginPerAddressAndIp: { limit: 2, windowSeconds: 600 } }) });
    for (let i = 0; i < 5; i++) {
      const r = await request(app).post('/connect/authorize').set('x-forwarded-for', '198.51.100.20')
        .send({ client_id: CLIENT_ID, email_address: 'ada@example.com', provider: 'nope', settings: {}, scopes: 'email.read_only' });
      assert.equal(r.status, 400);
    }
    assert.equal((await login(app, 'sandbox', { ip: '198.51.100.20' })).status, 200);
  });

  it('/v3/connect/custom: failed passwords are limited per address, in the v3 envelope', async () => {
    const { kit, app, provider } = proxiedApp({ rateLimits: only({ loginPerAddressAndIp: { limit: 2, windowSeconds: 600 } }) });
    const { key } = await kit.apiKeys.create({ clientId: CLIENT_ID });
    const custom = (password: string) =>
      request(app).post('/v3/connect/custom').set('authorization', `Bearer ${key}`).set('x-forwarded-for', '198.51.100.30')
        .send({ provider: 'sandbox', settings: { email: 'ada@example.com', password }, scope: ['email.read_only'] });
    assert.equal((await custom('wrong')).status, 401);
    assert.equal((await custom('wrong')).status, 401);
    const res = await custom('sandbox');
    assert.equal(res.status, 429);
    assert.equal(res.body.error.type, 'rate_limit_error');
    assert.equal(typeof res.body.request_id, 'string');
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal(res.headers['x-ratelimit-limit'], undefined, 'the v2 headers are for the v2 family');
    assert.equal(provider.calls, 2);
  });

  it('the Koa adapter keys by ctx.ip', async () => {
    const provider = countingSandbox();
    const { kit } = makeKit({ providers: [provider], rateLimits: only({ loginPerIp: { limit: 1, windowSeconds: 600 } }) });
    const app = new Koa();
    app.proxy = true;
    app.use(koaGrantkit(kit).routes());
    const server = app.listen(0, '127.0.0.1');
    try {
      const post = (ip: string, email: string) =>
        request(server).post('/connect/authorize').set('x-forwarded-for', ip)
          .send({ client_id: CLIENT_ID, email_address: email, provider: 'sandbox', settings: { password: 'wrong' }, scopes: 'email.read_only' });
      assert.equal((await post('198.51.100.40', 'a@example.com')).status, 401);
      assert.equal((await post('198.51.100.40', 'b@example.com')).status, 429);
      assert.equal((await post('198.51.100.41', 'b@example.com')).status, 401);
    } finally {
      server.close();
    }
  });
});

describe('failed client secrets, API keys and refresh tokens are limited per IP', () => {
  const secretLimit = only({ secretPerIp: { limit: 3, windowSeconds: 60 } });

  it('/connect/token: after 3 wrong client secrets the right one is refused with 429', async () => {
    const { app } = proxiedApp({ rateLimits: secretLimit });
    const token = (secret: string) =>
      request(app).post('/connect/token').set('x-forwarded-for', '198.51.100.50').send({ client_id: CLIENT_ID, client_secret: secret, code: 'gk_code_x' });
    for (let i = 0; i < 3; i++) assert.equal((await token('wrong')).status, 401);
    const res = await token(CLIENT_SECRET);
    assert.equal(res.status, 429);
    assert.equal(res.body.type, 'api_error');
    assert.equal(res.headers['x-ratelimit-limit'], '3');
  });

  it('/v3/connect/token: wrong client secrets get the OAuth 429, temporarily_unavailable', async () => {
    const { app } = proxiedApp({ rateLimits: secretLimit });
    const token = (secret: string) =>
      request(app).post('/v3/connect/token').set('x-forwarded-for', '198.51.100.51')
        .send({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: secret, refresh_token: 'gk_rt_x' });
    for (let i = 0; i < 3; i++) assert.equal((await token('wrong')).status, 401);
    const res = await token(CLIENT_SECRET);
    assert.equal(res.status, 429);
    assert.equal(res.body.error, 'temporarily_unavailable');
    assert.equal(res.body.error_code, 429);
    assert.equal(typeof res.body.error_description, 'string');
    assert.ok(Number(res.headers['retry-after']) > 0 && Number(res.headers['retry-after']) <= 60);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('many concurrent good client secrets from one backend IP are never refused', async () => {
    const { app } = proxiedApp({ rateLimits: secretLimit });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        request(app).post('/connect/token').set('x-forwarded-for', '198.51.100.56').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: 'gk_code_x' }),
      ),
    );
    // The code is unknown (400), but the secret was right: nothing counted, nothing refused.
    assert.deepEqual([...new Set(answers.map((r) => r.status))], [400]);
  });

  it('/v3/connect/token: unknown refresh tokens count, with the right client secret', async () => {
    const { app } = proxiedApp({ rateLimits: secretLimit });
    const refresh = () =>
      request(app).post('/v3/connect/token').set('x-forwarded-for', '198.51.100.52')
        .send({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: `gk_rt_${randomBytes(16).toString('hex')}` });
    for (let i = 0; i < 3; i++) assert.equal((await refresh()).status, 400);
    assert.equal((await refresh()).status, 429);
  });

  it('/oauth/token and /a/{client}/accounts count wrong client secrets too', async () => {
    const { app } = proxiedApp({ rateLimits: secretLimit });
    const ip = '198.51.100.53';
    assert.equal((await request(app).get('/oauth/token').set('x-forwarded-for', ip)
      .query({ client_id: CLIENT_ID, client_secret: 'wrong', grant_type: 'authorization_code', code: 'x' })).status, 401);
    assert.equal((await request(app).post('/oauth/token').set('x-forwarded-for', ip)
      .send({ client_id: CLIENT_ID, client_secret: 'wrong', grant_type: 'authorization_code', code: 'x' })).status, 401);
    const basic = `Basic ${Buffer.from('wrong:').toString('base64')}`;
    assert.equal((await request(app).get(`/a/${CLIENT_ID}/accounts`).set('x-forwarded-for', ip).set('authorization', basic)).status, 401);
    const good = `Basic ${Buffer.from(`${CLIENT_SECRET}:`).toString('base64')}`;
    assert.equal((await request(app).get(`/a/${CLIENT_ID}/accounts`).set('x-forwarded-for', ip).set('authorization', good)).status, 429);
  });

  it('unknown API keys count; a valid key never reads a limiter, even from an IP over the limit', async () => {
    const reads: string[] = [];
    class CountingStore extends MemoryStore {
      rateLimiter(spec: RateLimiterSpec): RateLimiterBackend {
        const inner = memoryLimiter(spec);
        return {
          consume: (key, points, o) => (reads.push(spec.keyPrefix), inner.consume(key, points, o)),
          reward: (key, points, o) => (reads.push(spec.keyPrefix), inner.reward(key, points, o)),
          penalty: (key, points, o) => (reads.push(spec.keyPrefix), inner.penalty(key, points, o)),
          get: (key, o) => (reads.push(spec.keyPrefix), inner.get(key, o)),
          delete: (key, o) => (reads.push(spec.keyPrefix), inner.delete(key, o)),
        };
      }
    }
    const { kit, app } = proxiedApp({ store: new CountingStore(), rateLimits: secretLimit });
    const { key } = await kit.apiKeys.create({ clientId: CLIENT_ID });
    const list = (k: string) => request(app).get('/v3/grants').set('x-forwarded-for', '198.51.100.54').set('authorization', `Bearer ${k}`);
    for (let i = 0; i < 3; i++) assert.equal((await list(`gk_key_${randomBytes(16).toString('hex')}`)).status, 401);
    const over = await list(`gk_key_${randomBytes(16).toString('hex')}`);
    assert.equal(over.status, 429);
    assert.equal(over.body.error.type, 'rate_limit_error');
    reads.length = 0;
    assert.equal((await list(key)).status, 200);
    // A guarded v3 data path too (the key is good; the grant it names does not exist).
    assert.equal((await request(app).get('/v3/grants/no-such-grant/messages').set('x-forwarded-for', '198.51.100.54').set('authorization', `Bearer ${key}`)).status, 404);
    assert.deepEqual(reads, [], 'no limiter was read for a valid key');
    // Unknown bearer tokens on guarded v3 data paths count as well.
    const guarded = await request(app).get('/v3/grants/x/messages').set('x-forwarded-for', '198.51.100.54').set('authorization', 'Bearer gk_key_unknown');
    assert.equal(guarded.status, 429);
  });

  it('a key the store knows but refuses (expired by the kit clock) is not counted', async () => {
    const { kit, app, clock } = proxiedApp({ rateLimits: secretLimit });
    const { key } = await kit.apiKeys.create({ clientId: CLIENT_ID, expiresAt: clock.now + 1000 });
    clock.advance(2000);
    const list = (k: string) => request(app).get('/v3/grants').set('x-forwarded-for', '198.51.100.55').set('authorization', `Bearer ${k}`);
    for (let i = 0; i < 5; i++) assert.equal((await list(key)).status, 401);
  });

  it('a revoked API key, and a revoked access token on a v3 grant path, are never counted: 401 every time, past the limit; unknown tokens get 429', async () => {
    const { kit, app } = proxiedApp({ rateLimits: secretLimit });
    const ip = '198.51.100.56';
    const bearer = (path: string, k: string) => request(app).get(path).set('x-forwarded-for', ip).set('authorization', `Bearer ${k}`);
    const admin = (await kit.apiKeys.create({ clientId: CLIENT_ID })).key;
    const revokedKey = await kit.apiKeys.create({ clientId: CLIENT_ID });
    // Access tokens of two grants: one revoked at /v3/connect/revoke, one whose grant is deleted.
    const revoked = await nativeToken(app, { email: 'revoked@example.com' });
    const orphaned = await nativeToken(app, { email: 'deleted@example.com' });
    assert.equal((await bearer('/v3/grants', revokedKey.key)).status, 200);
    assert.equal((await bearer('/v3/grants/me/messages', revoked.token)).status, 200);
    assert.equal((await bearer(`/v3/grants/${orphaned.accountId}/messages`, orphaned.token)).status, 200);
    assert.equal(await kit.apiKeys.revoke(revokedKey.id), true);
    assert.equal((await request(app).post('/v3/connect/revoke').query({ token: revoked.token }).set('authorization', `Bearer ${admin}`)).status, 200);
    assert.equal((await request(app).delete(`/v3/grants/${orphaned.accountId}`).set('authorization', `Bearer ${admin}`)).status, 200);
    // Three times the limit of 3 each: none of them is a guess.
    for (let i = 0; i < 9; i++) {
      assert.equal((await bearer('/v3/grants', revokedKey.key)).status, 401, `revoked API key, attempt ${i + 1}`);
      assert.equal((await bearer(`/v3/grants/${orphaned.accountId}/messages`, revokedKey.key)).status, 401, `revoked API key on a grant path, attempt ${i + 1}`);
      assert.equal((await bearer('/v3/grants/me/messages', revoked.token)).status, 401, `revoked access token, attempt ${i + 1}`);
      assert.equal((await bearer(`/v3/grants/${orphaned.accountId}/messages`, orphaned.token)).status, 401, `access token of a deleted grant, attempt ${i + 1}`);
    }
    // The IP's counter is untouched: random tokens get the full 3 tries, then 429.
    for (let i = 0; i < 3; i++) assert.equal((await bearer('/v3/grants', `gk_key_${randomBytes(16).toString('hex')}`)).status, 401);
    const over = await bearer('/v3/grants/me/messages', `gk_at_${randomBytes(16).toString('hex')}`);
    assert.equal(over.status, 429);
    assert.equal(over.body.error.type, 'rate_limit_error');
    // Over the limit, a revoked token is still told 401, not 429: it is known, so no limiter is read.
    assert.equal((await bearer('/v3/grants', revokedKey.key)).status, 401);
    assert.equal((await bearer('/v3/grants/me/messages', revoked.token)).status, 401);
  });
});

describe('/v3/providers/detect is limited per client', () => {
  it('over the limit, 429 in the v3 envelope; another client is not affected', async () => {
    const { kit, app } = proxiedApp({ rateLimits: only({ detectPerClient: { limit: 2, windowSeconds: 60 } }) });
    const a = (await kit.apiKeys.create({ clientId: CLIENT_ID })).key;
    const b = (await kit.apiKeys.create({ clientId: 'other-client' })).key;
    const detect = (k: string) => request(app).post('/v3/providers/detect').query({ email: 'ada@gmail.com' }).set('authorization', `Bearer ${k}`);
    assert.equal((await detect(a)).status, 200);
    assert.equal((await detect(a)).status, 200);
    const res = await detect(a);
    assert.equal(res.status, 429);
    assert.equal(res.body.error.type, 'rate_limit_error');
    assert.equal(res.headers['x-request-id'], res.body.request_id);
    assert.equal((await detect(b)).status, 200);
  });

  it('defaults to 20 per minute', async () => {
    const { kit, app } = proxiedApp();
    const { key } = await kit.apiKeys.create({ clientId: CLIENT_ID });
    for (let i = 0; i < 20; i++) {
      assert.equal((await request(app).post('/v3/providers/detect').query({ email: 'a@gmail.com' }).set('authorization', `Bearer ${key}`)).status, 200);
    }
    assert.equal((await request(app).post('/v3/providers/detect').query({ email: 'a@gmail.com' }).set('authorization', `Bearer ${key}`)).status, 429);
  });
});

describe('configuration and failure', () => {
  it('rateLimits: false turns every limit off, and false on one turns that one off', async () => {
    const off = proxiedApp({ rateLimits: false });
    for (let i = 0; i < 8; i++) assert.equal((await login(off.app, 'wrong', { ip: '198.51.100.60' })).status, 401);
    const one = proxiedApp({ rateLimits: { loginPerAddressAndIp: false, loginPerAddress: { limit: 7, windowSeconds: 60 } } });
    for (let i = 0; i < 7; i++) assert.equal((await login(one.app, 'wrong', { ip: '198.51.100.61' })).status, 401);
    assert.equal((await login(one.app, 'wrong', { ip: '198.51.100.61' })).status, 429);
  });

  it('a mistyped limit is refused at start-up, naming the option', () => {
    assert.throws(() => makeKit({ rateLimits: { loginPerIP: { limit: 1, windowSeconds: 1 } } as never }), /rateLimits/);
    assert.throws(() => makeKit({ rateLimits: { secretPerIp: { limit: 0, windowSeconds: 1 } } }), /rateLimits\.secretPerIp\.limit/);
  });

  it('a limiter that cannot reach its store fails closed with 503, and the provider is not called', async () => {
    class DownStore extends MemoryStore {
      rateLimiter(): RateLimiterBackend {
        const down = () => Promise.reject(new Error('ECONNREFUSED'));
        return { consume: down, reward: down, penalty: down, get: down, delete: down };
      }
    }
    const errors: unknown[] = [];
    const { app, provider } = proxiedApp({ store: new DownStore(), onError: (e) => errors.push(e) });
    const res = await login(app, 'sandbox', { ip: '198.51.100.70' });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(provider.calls, 0);
    const secret = await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: 'gk_code_x' });
    assert.equal(secret.status, 503);
  });

  it('a limiter that hangs fails closed within the store timeout', async () => {
    class HangingStore extends MemoryStore {
      rateLimiter(): RateLimiterBackend {
        const hang = () => new Promise<never>(() => {});
        return { consume: hang, reward: hang, penalty: hang, get: hang, delete: hang };
      }
    }
    const { app } = proxiedApp({ store: new HangingStore(), storeTimeoutMs: 200 });
    const started = Date.now();
    const res = await login(app, 'sandbox', { ip: '198.51.100.71' });
    assert.equal(res.status, 503);
    assert.ok(Date.now() - started < 2000);
  });

  it('on a hosted sign-in page, a 429 is a page that says when to try again', () => {
    const d = errorResponse({ redirectUri: 'https://app.example/cb', state: 's', redirect: true, issuer: 'https://auth.example' }, rateLimited(90_000, 5));
    assert.equal(d.status, 429);
    assert.equal(d.headers['retry-after'], '90');
    assert.equal(d.headers['location'], undefined);
    assert.equal(d.headers['x-frame-options'], 'DENY');
    assert.match(d.text!.content, /Try again in 2 minutes\./);
  });

  it('the official v6 SDK reads the limit and reset of a v2 429', async () => {
    // The v6 SDK sends only providers of its own enum: the sandbox stands in for gmail.
    const { kit } = makeKit({ providers: [sandboxProvider({ name: 'gmail' })], rateLimits: only({ loginPerAddressAndIp: { limit: 1, windowSeconds: 600 } }) });
    const server = makeApp(kit).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      Nylas.config({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiServer: `http://127.0.0.1:${port}` });
      const attempt = () =>
        Nylas.connect.authorize({ name: 'Ada', emailAddress: 'sdk@example.com', provider: 'gmail' as never, settings: { password: 'wrong' }, scopes: ['email.read_only'] as never });
      await assert.rejects(attempt(), (e: { statusCode?: number }) => e.statusCode === 401);
      await assert.rejects(attempt(), (e: { statusCode?: number; type?: string; rateLimit?: number; rateLimitReset?: number }) => {
        assert.equal(e.statusCode, 429);
        assert.equal(e.type, 'api_error');
        assert.equal(e.rateLimit, 1);
        assert.ok(e.rateLimitReset! > 0 && e.rateLimitReset! <= 600);
        return true;
      });
    } finally {
      server.close();
    }
  });
});

/** The same limit on each store kind, and two kits on one store sharing the counters. */
function sharedStoreSuite(name: string, open: () => Promise<{ make: () => Promise<Store>; cleanup: () => Promise<void> }>, skip: () => Promise<string | false>): void {
  describe(`counters live in the store: ${name}`, () => {
    let reason: string | false = false;
    let env: { make: () => Promise<Store>; cleanup: () => Promise<void> } | undefined;
    const stores: Store[] = [];
    before(async () => {
      reason = await skip();
      if (!reason) env = await open();
    });
    after(async () => {
      for (const s of stores) await s.close?.();
      await env?.cleanup();
    });

    it('two app instances on one store share the counters; a success on one resets the address on both', async (t) => {
      if (reason) return t.skip(reason);
      const limits = only({ loginPerAddressAndIp: { limit: 3, windowSeconds: 600 } });
      const a = await env!.make();
      const b = await env!.make();
      stores.push(a, b);
      const appA = proxiedApp({ store: a, rateLimits: limits });
      const appB = proxiedApp({ store: b, rateLimits: limits });
      const ip = '198.51.100.80';
      assert.equal((await login(appA.app, 'wrong', { ip })).status, 401);
      assert.equal((await login(appB.app, 'wrong', { ip })).status, 401);
      assert.equal((await login(appA.app, 'sandbox', { ip })).status, 200, 'a success resets');
      for (let i = 0; i < 3; i++) assert.equal((await login(i % 2 ? appA.app : appB.app, 'wrong', { ip })).status, 401);
      const res = await login(appB.app, 'sandbox', { ip });
      assert.equal(res.status, 429);
      assert.equal(appA.provider.calls + appB.provider.calls, 6);
    });

    it('a revoked API key is known to the store, so presenting it past the limit never gets 429; unknown keys do', async (t) => {
      if (reason) return t.skip(reason);
      const s = await env!.make();
      stores.push(s);
      const { kit, app } = proxiedApp({ store: s, rateLimits: only({ secretPerIp: { limit: 3, windowSeconds: 60 } }) });
      const ip = '198.51.100.81';
      const list = (k: string) => request(app).get('/v3/grants').set('x-forwarded-for', ip).set('authorization', `Bearer ${k}`);
      const { key, id } = await kit.apiKeys.create({ clientId: CLIENT_ID });
      assert.equal((await list(key)).status, 200);
      assert.equal(await kit.apiKeys.revoke(id), true);
      for (let i = 0; i < 6; i++) assert.equal((await list(key)).status, 401, `attempt ${i + 1}`);
      for (let i = 0; i < 3; i++) assert.equal((await list(`gk_key_${randomBytes(16).toString('hex')}`)).status, 401);
      assert.equal((await list(`gk_key_${randomBytes(16).toString('hex')}`)).status, 429);
    });
  });
}

sharedStoreSuite(
  'SQLite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gk-rl-'));
    return { make: async () => new SqliteStore({ filename: join(dir, 'grants.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  async () => false,
);

sharedStoreSuite(
  'PostgreSQL',
  async () => {
    const schema = `gk_rl_${randomBytes(6).toString('hex')}`;
    return {
      make: async () => {
        const s = new PostgresStore({ connectionString: postgresUrl, schema });
        await s.migrate();
        return s;
      },
      cleanup: () => dropSchema(schema),
    };
  },
  probePostgres,
);

sharedStoreSuite(
  'Redis',
  async () => {
    const prefix = `gk_rl_${randomBytes(6).toString('hex')}:`;
    return { make: async () => new RedisStore({ url: redisUrl, prefix }), cleanup: () => deleteKeys(prefix) };
  },
  probeRedis,
);

describe('where the counters are kept', () => {
  it('SQLite: two processes on one file share the counters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gk-rl-'));
    const file = join(dir, 'grants.db');
    const store = new SqliteStore({ filename: file });
    try {
      const { app, provider } = proxiedApp({ store, rateLimits: only({ loginPerAddressAndIp: { limit: 4, windowSeconds: 600 } }) });
      assert.equal((await login(app, 'wrong', { ip: '198.51.100.90' })).status, 401);
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--import', 'tsx', 'test/e2e/security/rate-limit-worker.ts', file, '4', 'ada@example.com', '198.51.100.90', '4',
      ]);
      // The other process saw this one's failure: only 3 of its 4 were let through.
      assert.deepEqual(JSON.parse(stdout), { refused: 1 });
      assert.equal((await login(app, 'sandbox', { ip: '198.51.100.90' })).status, 429);
      assert.equal(provider.calls, 1);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: `migrate` creates the counters table in the store\'s schema', async (t) => {
    const reason = await probePostgres();
    if (reason) return t.skip(reason);
    const schema = `gk_rl_${randomBytes(6).toString('hex')}`;
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      assert.ok((await store.migrate()).includes('rate limits'));
      const { rows } = await client.query('SELECT table_schema FROM information_schema.tables WHERE table_name = $1 AND table_schema = $2', ['grantkit_rate_limits', schema]);
      assert.equal(rows.length, 1);
    } finally {
      await client.end();
      await store.close();
      await dropSchema(schema);
    }
  });

  it('a custom store without rateLimiter() still gets per-process limits', async () => {
    const inner = new MemoryStore();
    const custom: Store = minimalStore(inner);
    const { app } = proxiedApp({ store: custom, rateLimits: only({ loginPerAddressAndIp: { limit: 1, windowSeconds: 600 } }) });
    assert.equal((await login(app, 'wrong', { ip: '198.51.100.95' })).status, 401);
    assert.equal((await login(app, 'sandbox', { ip: '198.51.100.95' })).status, 429);
  });
});
