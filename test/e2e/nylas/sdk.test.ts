import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NylasApiError, NylasOAuthError } from 'nylas';
import { nativeGrant, rejection, startV3App, type V3App } from '../../support/v3-app.js';

/** The official v8 SDK, unmodified, against a grantkit app on loopback (nylas-api.md §4.2). */
describe('v3 with the official nylas@8 SDK', () => {
  let a: V3App;
  before(async () => {
    a = await startV3App();
  });
  after(() => a.close());

  const sandbox = (email: string, password = 'sandbox') =>
    a.nylas.auth.customAuthentication({ requestBody: { provider: 'sandbox' as never, settings: { email, password } } });

  it('auth.customAuthentication makes a grant; the same email keeps its id', async () => {
    const first = await sandbox('ada@example.com');
    assert.equal(first.data.email, 'ada@example.com');
    assert.equal(first.data.grantStatus, 'valid');
    assert.deepEqual(first.data.settings, {});
    assert.match(first.requestId, /^[0-9a-f-]{36}$/);
    const again = await sandbox('ADA@example.com');
    assert.equal(again.data.id, first.data.id);
  });

  it('wrong custom credentials → NylasApiError 401 with type and request id', async () => {
    const e = await rejection(sandbox('bob@example.com', 'wrong'));
    assert.ok(e instanceof NylasApiError);
    assert.equal(e.statusCode, 401);
    assert.equal(e.type, 'api.authentication_error');
    assert.match(String(e.requestId), /^[0-9a-f-]{36}$/);
    assert.equal((await a.nylas.grants.list({ queryParams: { email: 'bob@example.com' } })).data.length, 0);
  });

  it('grants.list filters, pages and sorts; v2 grants are listed too', async () => {
    await sandbox('carol@example.com');
    const v2 = await nativeGrant(a.url, 'dave@example.com');
    const all = await a.nylas.grants.list();
    assert.ok(all.data.some((g) => g.id === v2.grantId));
    const one = await a.nylas.grants.list({ queryParams: { limit: 1, offset: 0, sortBy: 'created_at', orderBy: 'asc' } });
    assert.equal(one.data.length, 1);
    assert.equal(one.data[0]!.email, 'ada@example.com');
    const byEmail = await a.nylas.grants.list({ queryParams: { email: 'dave@example.com' } });
    assert.deepEqual(byEmail.data.map((g) => g.id), [v2.grantId]);
    const e = await rejection(a.nylas.grants.list({ queryParams: { limit: 500 } }));
    assert.ok(e instanceof NylasApiError);
    assert.equal(e.statusCode, 400);
    assert.equal(e.type, 'invalid_request_error');
  });

  it('grants.find by id and by email; me with an access token; 404 for unknown', async () => {
    const v2 = await nativeGrant(a.url, 'erin@example.com');
    assert.equal((await a.nylas.grants.find({ grantId: v2.grantId })).data.email, 'erin@example.com');
    assert.equal((await a.nylas.grants.find({ grantId: 'erin@example.com' })).data.id, v2.grantId);
    assert.equal((await a.nylas.grants.find({ grantId: `email:erin@example.com` })).data.id, v2.grantId);
    const me = await a.nylas.grants.find({ grantId: 'me', overrides: { apiKey: v2.token } });
    assert.equal(me.data.id, v2.grantId);
    const missing = await rejection(a.nylas.grants.find({ grantId: 'no-such-grant' }));
    assert.ok(missing instanceof NylasApiError);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.type, 'grant.not_found');
    assert.ok(missing.requestId);
    const meWithKey = await rejection(a.nylas.grants.find({ grantId: 'me' }));
    assert.equal((meWithKey as unknown as NylasApiError).statusCode, 400);
    assert.equal((meWithKey as unknown as NylasApiError).type, 'invalid_request_error');
  });

  it('grants.update narrows scopes; widening is a 400', async () => {
    const v2 = await nativeGrant(a.url, 'fay@example.com', 'email.read_only,calendar,contacts');
    const narrowed = await a.nylas.grants.update({ grantId: v2.grantId, requestBody: { scope: ['calendar'] } });
    assert.deepEqual(narrowed.data.scope, ['calendar']);
    const e = await rejection(a.nylas.grants.update({ grantId: v2.grantId, requestBody: { scope: ['calendar', 'email'] } }));
    assert.ok(e instanceof NylasApiError);
    assert.equal(e.statusCode, 400);
    assert.match(e.message, /re-authenticate/);
  });

  it('grants.destroy deletes a v2 grant and its tokens', async () => {
    const v2 = await nativeGrant(a.url, 'gus@example.com');
    const r = await a.nylas.grants.destroy({ grantId: v2.grantId });
    assert.ok(r.requestId);
    const e = await rejection(a.nylas.grants.find({ grantId: v2.grantId }));
    assert.equal((e as unknown as NylasApiError).type, 'grant.not_found');
    const account = await fetch(`${a.url}/account`, { headers: { authorization: `Bearer ${v2.token}` } });
    assert.equal(account.status, 401);
  });

  it('auth.accessTokenInfo, then auth.revoke kills the token but not the grant', async () => {
    const v2 = await nativeGrant(a.url, 'hal@example.com');
    const info = await a.nylas.auth.accessTokenInfo(v2.token);
    assert.equal(info.data.sub, v2.grantId);
    assert.equal(info.data.email, 'hal@example.com');
    assert.equal(info.data.aud, 'v3-test-client');
    assert.equal(await a.nylas.auth.revoke(v2.token), true);
    const me = await fetch(`${a.url}/v3/grants/me/messages`, { headers: { authorization: `Bearer ${v2.token}` } });
    assert.equal(me.status, 401);
    assert.equal((await a.nylas.grants.find({ grantId: v2.grantId })).data.id, v2.grantId);
  });

  it('revoke and tokeninfo errors are NylasOAuthError (the SDK keys on connect/revoke, connect/token)', async () => {
    const revoke = await rejection(a.nylas.auth.revoke('gk_at_unknown'));
    assert.ok(revoke instanceof NylasOAuthError);
    assert.equal(revoke.statusCode, 400);
    assert.equal(revoke.error, 'invalid_token');
    assert.ok(revoke.requestId);
    const info = await rejection(a.nylas.auth.accessTokenInfo('gk_at_unknown'));
    assert.ok(info instanceof NylasOAuthError);
    assert.equal(info.error, 'invalid_token');
    const id = await rejection(a.nylas.auth.idTokenInfo('eyJ.unknown.jwt'));
    assert.ok(id instanceof NylasOAuthError);
  });

  it('auth.detectProvider: the built-in table, and not detected otherwise', async () => {
    const g = await a.nylas.auth.detectProvider({ email: 'someone@gmail.com', allProviderTypes: true });
    assert.deepEqual({ ...g.data }, { emailAddress: 'someone@gmail.com', detected: true, provider: 'google' });
    const ms = await a.nylas.auth.detectProvider({ email: 'x@hotmail.co.uk' });
    assert.equal(ms.data.provider, 'microsoft');
    const icloud = await a.nylas.auth.detectProvider({ email: 'x@me.com' });
    assert.equal(icloud.data.type, 'icloud');
    const none = await a.nylas.auth.detectProvider({ email: 'x@company.invalid' });
    assert.equal(none.data.detected, false);
    const bad = await rejection(a.nylas.auth.detectProvider({ email: 'not-an-email' }));
    assert.equal((bad as unknown as NylasApiError).statusCode, 400);
  });

  it('a missing or Basic credential on v3 → 401 in the v3 envelope', async () => {
    const none = await fetch(`${a.url}/v3/grants`);
    assert.equal(none.status, 401);
    const body = (await none.json()) as { request_id: string; error: { type: string } };
    assert.equal(body.error.type, 'api.authentication_error');
    assert.equal(none.headers.get('x-request-id'), body.request_id);
    const basic = await fetch(`${a.url}/v3/grants`, { headers: { authorization: `Basic ${Buffer.from('test-api-key-0123456789abcdef:').toString('base64')}` } });
    assert.equal(basic.status, 401);
  });
});
