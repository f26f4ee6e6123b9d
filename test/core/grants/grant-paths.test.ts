import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGrantKit, sandboxProvider } from '../../../src/index.js';
import { API_KEY, nativeGrant, startV3App, type V3App } from '../../support/v3-app.js';

/** Issue 5 item 3: `/v3/grants/{grant}/...` on the app's own routes, with the guards. */
describe('grant resolution from the path', () => {
  let a: V3App;
  let ada: { grantId: string; token: string };
  let bob: { grantId: string; token: string };
  before(async () => {
    a = await startV3App();
    ada = await nativeGrant(a.url, 'ada@example.com', 'email.read_only');
    bob = await nativeGrant(a.url, 'bob@example.com', 'calendar');
  });
  after(() => a.close());

  const get = async (path: string, token: string) => {
    const r = await fetch(`${a.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown>, headers: r.headers };
  };
  const errorType = (b: Record<string, unknown>) => (b['error'] as { type: string }).type;

  it('an API key may name any grant by id, grant:<id>, email or email:<email> (URL-encoded)', async () => {
    for (const ref of [ada.grantId, `grant:${ada.grantId}`, 'ada@example.com', 'ada%40example.com', 'email:ada%40example.com', 'ADA@example.com']) {
      const r = await get(`/v3/grants/${ref}/messages`, API_KEY);
      assert.equal(r.status, 200, ref);
      assert.equal(r.body['grant_id'], ada.grantId);
    }
  });

  it('an API key may not use me → 400 invalid_request_error', async () => {
    const r = await get('/v3/grants/me/messages', API_KEY);
    assert.equal(r.status, 400);
    assert.equal(errorType(r.body), 'invalid_request_error');
    assert.equal(r.headers.get('x-request-id'), r.body['request_id']);
  });

  it('an access token may name its own grant by id, email or me', async () => {
    for (const ref of ['me', ada.grantId, `grant:${ada.grantId}`, 'ada@example.com', 'email:ada@example.com']) {
      const r = await get(`/v3/grants/${ref}/messages`, ada.token);
      assert.equal(r.status, 200, ref);
      assert.equal(r.body['grant_id'], ada.grantId);
    }
  });

  it('an access token naming another grant → 403 grant.access_denied (even an unknown one)', async () => {
    for (const ref of [bob.grantId, 'bob@example.com', 'nobody@example.com', 'no-such-id']) {
      const r = await get(`/v3/grants/${ref}/messages`, ada.token);
      assert.equal(r.status, 403, ref);
      assert.equal(errorType(r.body), 'grant.access_denied');
    }
  });

  it('an unknown grant with an API key → 404 grant.not_found', async () => {
    for (const ref of ['no-such-id', 'nobody@example.com', 'grant:nope']) {
      const r = await get(`/v3/grants/${ref}/messages`, API_KEY);
      assert.equal(r.status, 404, ref);
      assert.equal(errorType(r.body), 'grant.not_found');
    }
  });

  it('guards work the same: 403 insufficient_scopes with the seed text and the RFC 6750 header', async () => {
    const r = await get(`/v3/grants/${bob.grantId}/messages`, API_KEY);
    assert.equal(r.status, 403);
    assert.equal(errorType(r.body), 'insufficient_scopes');
    assert.equal(
      (r.body['error'] as { message: string }).message,
      "You do not have access to the required scopes. You provided a token which has the following scopes: ['calendar']. You would need a token with at least one of the following scopes: ['email.read_only']",
    );
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="grantkit", error="insufficient_scope", scope="email.read_only"');
    const viaTable = await get(`/v3/grants/me/threads`, bob.token);
    assert.equal(viaTable.status, 403);
    assert.equal(errorType(viaTable.body), 'insufficient_scopes');
    assert.equal((await get(`/v3/grants/me/events`, bob.token)).status, 200);
  });

  it('Basic on v3 → 401; a bad token → 401; an expired grant → 401', async () => {
    const basic = await fetch(`${a.url}/v3/grants/me/messages`, { headers: { authorization: `Basic ${Buffer.from(`${ada.token}:`).toString('base64')}` } });
    assert.equal(basic.status, 401);
    assert.equal(((await basic.json()) as Record<string, { type: string }>)['error']!.type, 'api.authentication_error');
    assert.equal((await get('/v3/grants/me/messages', 'gk_at_nope')).status, 401);
    const carol = await nativeGrant(a.url, 'carol@example.com', 'email.read_only');
    await a.kit.expireGrant(carol.grantId);
    assert.equal((await get(`/v3/grants/${carol.grantId}/messages`, API_KEY)).status, 401);
    assert.equal((await get('/v3/grants/me/messages', carol.token)).status, 401);
  });

  it('API keys: shown once, hashed, expiring, several live at once, revocable', async () => {
    const k1 = await a.kit.apiKeys.create({ label: 'one' });
    const k2 = await a.kit.apiKeys.create({ label: 'two', expiresAt: a.kit.now() + 60_000 });
    assert.match(k1.key, /^gk_key_[A-Za-z0-9_-]{43}$/);
    assert.equal((await get(`/v3/grants/${ada.grantId}/messages`, k1.key)).status, 200);
    assert.equal((await get(`/v3/grants/${ada.grantId}/messages`, k2.key)).status, 200);
    const listed = await a.kit.apiKeys.list();
    assert.ok(listed.some((k) => k.id === k1.id && k.label === 'one'));
    assert.equal(JSON.stringify(listed).includes(k1.key), false);
    assert.equal(await a.kit.apiKeys.revoke(k1.id), true);
    assert.equal((await get(`/v3/grants/${ada.grantId}/messages`, k1.key)).status, 401);
    assert.equal((await get(`/v3/grants/${ada.grantId}/messages`, k2.key)).status, 200);
    await assert.rejects(a.kit.apiKeys.import('too-short'), /at least 20/);
  });

  it('an expired API key is refused on the injected clock', async () => {
    let now = 1_700_000_000_000;
    const kit = createGrantKit({ clients: [{ id: 'c' }], secretKeys: ['x'.repeat(32)], providers: [sandboxProvider()], clock: () => now });
    const k = await kit.apiKeys.create({ expiresAt: now + 1000 });
    const ok = await kit.authenticateApp(`Bearer ${k.key}`);
    assert.equal('kind' in ok && ok.kind, 'api_key');
    now += 1000;
    const expired = await kit.authenticateApp(`Bearer ${k.key}`);
    assert.equal('status' in expired && expired.status, 401);
  });
});

describe('HTTPS on v3 (seed 002)', () => {
  const kitWith = () => createGrantKit({ clients: [{ id: 'c' }], secretKeys: ['x'.repeat(32)], requireHttps: true });
  const plain = { socket: { remoteAddress: '203.0.113.9', encrypted: false }, headers: {} };

  it('refuses plain HTTP from a remote client, with a 400 before any credential is read', () => {
    const r = kitWith().authenticate(undefined, '/v3/grants/me/messages', plain);
    assert.ok(!(r instanceof Promise) && 'status' in r && r.status === 400);
  });

  it("accepts TLS, a direct loopback client and the framework's HTTPS verdict, never X-Forwarded-Proto on its own", () => {
    const status = (kit: ReturnType<typeof kitWith>, t: Parameters<typeof kit.authenticate>[2]) => {
      const r = kit.authenticate(undefined, '/v3/grants/me/messages', t);
      return !(r instanceof Promise) && 'status' in r ? r.status : 0;
    };
    assert.equal(status(kitWith(), { socket: { remoteAddress: '203.0.113.9', encrypted: true }, headers: {} }), 401);
    assert.equal(status(kitWith(), { socket: { remoteAddress: '127.0.0.1' }, headers: {} }), 401);
    assert.equal(status(kitWith(), { socket: { remoteAddress: '::ffff:127.0.0.1' }, headers: {} }), 401);
    const forwarded = { socket: { remoteAddress: '10.0.0.2' }, headers: { 'x-forwarded-proto': 'https' } };
    assert.equal(status(kitWith(), forwarded), 400);
    // The framework's verdict (Express req.secure under `trust proxy`, Koa ctx.secure under app.proxy) decides.
    assert.equal(status(kitWith(), { ...forwarded, secure: true }), 401);
    // Through a local proxy every request is loopback: a forwarded request is not exempt.
    assert.equal(status(kitWith(), { socket: { remoteAddress: '127.0.0.1' }, headers: { 'x-forwarded-proto': 'http' } }), 400);
    assert.equal(status(kitWith(), { socket: { remoteAddress: '127.0.0.1' }, headers: { 'x-forwarded-proto': 'https' } }), 400);
    // v2 paths are not affected.
    assert.equal(status(kitWith(), plain), 400);
    const v2 = kitWith().authenticate(undefined, '/messages', plain);
    assert.ok(!(v2 instanceof Promise) && 'status' in v2 && v2.status === 401);
  });
});
