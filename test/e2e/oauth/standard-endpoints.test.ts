import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { APP_CALLBACK, APP_ID, APP_SECRET, Browser, paramsOf, SPA_CALLBACK, SPA_ID, startHarness, type Harness } from '../../support/oauth-harness.js';
import { s256Pair } from '../../support/pkce-helpers.js';

/**
 * The standard endpoints beside Nylas's, over HTTP against hosted OAuth with an OpenID server
 * standing in for Google: RFC 7009 revocation in its form-body shape, RFC 7662 introspection and
 * OpenID userinfo. Error answers are held to the RFCs' own words: 200 for a token the client
 * cannot revoke, exactly {"active": false} for anything not live, 401 with the challenge of the
 * scheme tried.
 */
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';

interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly id_token: string;
  readonly grant_id: string;
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('RFC 7009 revocation, RFC 7662 introspection and OpenID userinfo', () => {
  let h: Harness;
  let apiKey: string;
  before(async () => {
    h = await startHarness();
    apiKey = (await h.kit.apiKeys.create({ clientId: APP_ID })).key;
  });
  after(() => h.close());

  /** A fresh grant's tokens (offline, so with a refresh token) for the confidential app or the public SPA. */
  async function signIn(client: 'app' | 'spa' = 'app', email = 'ada@example.com'): Promise<Tokens> {
    Object.assign(h.google.user, { email });
    const { verifier, challenge } = s256Pair();
    const [id, callback] = client === 'app' ? [APP_ID, APP_CALLBACK] : [SPA_ID, SPA_CALLBACK];
    const q = new URLSearchParams({ client_id: id, redirect_uri: callback, response_type: 'code', provider: 'google', scope: GMAIL_READ, access_type: 'offline', code_challenge: challenge, code_challenge_method: 'S256' });
    const done = await new Browser().run(`${h.base}/v3/connect/auth?${q}`);
    const code = String(paramsOf(done.url).get('code'));
    const body = { grant_type: 'authorization_code', code, client_id: id, redirect_uri: callback, code_verifier: verifier, ...(client === 'app' ? { client_secret: APP_SECRET } : {}) };
    const res = await post('/v3/connect/token', body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    Object.assign(h.google.user, { email: 'ada@example.com' });
    return res.body as unknown as Tokens;
  }

  async function post(path: string, form: Record<string, string>, authorization?: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const res = await fetch(`${h.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === undefined ? {} : { authorization }) },
      body: new URLSearchParams(form),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  const introspect = (token: string, auth: Record<string, string> = { client_id: APP_ID, client_secret: APP_SECRET }) => post('/v3/connect/introspect', { token, ...auth });
  const userinfo = (token: string, init: RequestInit = {}) => fetch(`${h.base}/v3/connect/userinfo`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  describe('introspection', () => {
    it('a live access token: active, its scopes, client, grant, issuer and times; never cached', async () => {
      const t = await signIn();
      const res = await introspect(t.access_token);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const { iat, exp, ...rest } = res.body;
      assert.deepEqual(rest, { active: true, scope: GMAIL_READ, client_id: APP_ID, sub: t.grant_id, iss: h.base, token_type: 'Bearer' });
      assert.equal(Number(exp) - Number(iat), 3600);
    });

    it('a live refresh token: active, without a token_type (it is no access token)', async () => {
      const t = await signIn();
      const res = await introspect(t.refresh_token, {});
      assert.deepEqual([res.status, res.body['error']], [401, 'invalid_client'], 'no client authentication at all');
      const ok = await post('/v3/connect/introspect', { token: t.refresh_token }, basic(APP_ID, APP_SECRET));
      assert.equal(ok.body['active'], true);
      assert.equal(ok.body['sub'], t.grant_id);
      assert.equal('token_type' in ok.body, false);
    });

    it('anything not live is exactly {"active": false}', async () => {
      const t = await signIn();
      const spa = await signIn('spa');
      const revoked = await signIn();
      assert.equal((await post('/v3/connect/revoke', { token: revoked.access_token, client_id: APP_ID, client_secret: APP_SECRET })).status, 200);
      const cases: Array<[string, string]> = [
        ['an unknown token', 'gk_at_unknown'],
        ['garbage', '%%%'],
        ['an empty token', ''],
        ['a revoked token', revoked.access_token],
        ["another client's token", spa.access_token],
        ['an API key', apiKey],
        ['an id_token', t.id_token],
      ];
      for (const [name, token] of cases) {
        const res = await introspect(token);
        assert.deepEqual({ status: res.status, body: res.body }, { status: 200, body: { active: false } }, name);
      }
    });

    it('the caller authenticates: its secret or API key, in the body or HTTP Basic; else 401 invalid_client', async () => {
      const t = await signIn();
      assert.equal((await introspect(t.access_token, { client_id: APP_ID, client_secret: apiKey })).body['active'], true, 'an API key as the secret');
      assert.equal((await post('/v3/connect/introspect', { token: t.access_token }, basic(APP_ID, apiKey))).body['active'], true);
      const refusals: Array<[string, Record<string, string>, string | undefined, boolean]> = [
        ['no client at all', {}, undefined, false],
        ['a public client by its id', { client_id: SPA_ID }, undefined, false],
        ['a confidential client without its secret', { client_id: APP_ID }, undefined, false],
        ['a wrong secret in the body', { client_id: APP_ID, client_secret: 'wrong' }, undefined, false],
        ['a wrong secret in HTTP Basic', {}, basic(APP_ID, 'wrong'), true],
        ['an unknown client in HTTP Basic', {}, basic('nobody', APP_SECRET), true],
        ['a public client in HTTP Basic', {}, basic(SPA_ID, ''), true],
      ];
      for (const [name, auth, authorization, challenged] of refusals) {
        const res = await post('/v3/connect/introspect', { token: t.access_token, ...auth }, authorization);
        assert.equal(res.status, 401, name);
        assert.equal(res.body['error'], 'invalid_client', name);
        assert.equal(res.headers.get('www-authenticate'), challenged ? 'Basic realm="grantkit"' : null, name);
      }
    });
  });

  describe('revocation in the RFC 7009 form', () => {
    it('revokes an access token of the client, and the chain it belongs to; 200 with an empty object', async () => {
      const t = await signIn();
      const res = await post('/v3/connect/revoke', { token: t.access_token, token_type_hint: 'access_token', client_id: APP_ID, client_secret: APP_SECRET });
      assert.deepEqual({ status: res.status, body: res.body }, { status: 200, body: {} });
      assert.equal((await userinfo(t.access_token)).status, 401);
      assert.deepEqual((await introspect(t.refresh_token)).body, { active: false }, 'its refresh token goes with it');
    });

    it('revokes a refresh token with HTTP Basic, whatever the hint says', async () => {
      const t = await signIn();
      const res = await post('/v3/connect/revoke', { token: t.refresh_token, token_type_hint: 'access_token' }, basic(APP_ID, APP_SECRET));
      assert.equal(res.status, 200);
      const refreshed = await post('/v3/connect/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token }, basic(APP_ID, APP_SECRET));
      assert.equal(refreshed.body['error'], 'invalid_grant');
      assert.equal((await userinfo(t.access_token)).status, 401);
    });

    it('a public client revokes its own token by its client_id', async () => {
      const t = await signIn('spa');
      assert.equal((await post('/v3/connect/revoke', { token: t.access_token, client_id: SPA_ID })).status, 200);
      assert.equal((await userinfo(t.access_token)).status, 401);
    });

    it("200 for a token it cannot revoke, and another client's token stays live", async () => {
      const spa = await signIn('spa');
      for (const token of ['gk_at_unknown', 'gk_rt_unknown', '', spa.access_token, spa.refresh_token]) {
        const res = await post('/v3/connect/revoke', { token, client_id: APP_ID, client_secret: APP_SECRET });
        assert.deepEqual({ status: res.status, body: res.body }, { status: 200, body: {} }, token);
      }
      assert.equal((await userinfo(spa.access_token)).status, 200);
      assert.equal((await introspect(spa.refresh_token, { client_id: SPA_ID })).status, 401, 'the SPA cannot introspect');
    });

    it('refuses an API key (unsupported_token_type), a bad client (401), and a token in two places (400)', async () => {
      const t = await signIn();
      const key = await post('/v3/connect/revoke', { token: apiKey, client_id: APP_ID, client_secret: APP_SECRET });
      assert.deepEqual([key.status, key.body['error']], [400, 'unsupported_token_type']);
      const wrongBasic = await post('/v3/connect/revoke', { token: t.access_token }, basic(APP_ID, 'wrong'));
      assert.deepEqual([wrongBasic.status, wrongBasic.body['error'], wrongBasic.headers.get('www-authenticate')], [401, 'invalid_client', 'Basic realm="grantkit"']);
      const noSecret = await post('/v3/connect/revoke', { token: t.access_token, client_id: APP_ID });
      assert.deepEqual([noSecret.status, noSecret.body['error'], noSecret.headers.get('www-authenticate')], [401, 'invalid_client', null]);
      const both = await fetch(`${h.base}/v3/connect/revoke?token=${t.access_token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: t.access_token, client_id: APP_ID, client_secret: APP_SECRET }),
      });
      assert.equal(both.status, 400);
      assert.equal((await userinfo(t.access_token)).status, 200, 'none of them revoked it');
    });

    it("Nylas's query form is unchanged: the token's own bearer, and 400 invalid_token for an unknown one", async () => {
      const t = await signIn();
      const unknown = await fetch(`${h.base}/v3/connect/revoke?token=gk_at_unknown`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
      assert.equal(unknown.status, 400);
      assert.equal(((await unknown.json()) as Record<string, unknown>)['error'], 'invalid_token');
      const own = await fetch(`${h.base}/v3/connect/revoke?token=${t.access_token}`, { method: 'POST', headers: { authorization: `Bearer ${t.access_token}` } });
      assert.deepEqual([own.status, await own.json()], [200, {}]);
    });
  });

  describe('userinfo', () => {
    it('GET and POST: sub (the id_token subject), email, email_verified from the proof, name; never cached', async () => {
      const t = await signIn();
      const jwks = createRemoteJWKSet(new URL(`${h.base}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(t.id_token, jwks, { issuer: h.base, audience: APP_ID });
      for (const method of ['GET', 'POST']) {
        const res = await userinfo(t.access_token, { method });
        assert.equal(res.status, 200, method);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.deepEqual(await res.json(), { sub: payload.sub, email: 'ada@example.com', email_verified: true, name: 'User ada' });
      }
    });

    it('email_verified is false when the provider did not vouch for the address', async () => {
      h.google.user.emailVerified = false;
      try {
        const t = await signIn('app', 'maybe@example.com');
        assert.equal(((await (await userinfo(t.access_token)).json()) as Record<string, unknown>)['email_verified'], false);
      } finally {
        delete h.google.user.emailVerified;
      }
    });

    it('401 with the Bearer challenge without a live access token; 400 for a token in the header and the query', async () => {
      const t = await signIn();
      const none = await fetch(`${h.base}/v3/connect/userinfo`);
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="grantkit"');
      for (const token of [apiKey, 'gk_at_unknown', t.refresh_token]) {
        const res = await userinfo(token);
        assert.equal(res.status, 401, token);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="grantkit", error="invalid_token"');
        assert.equal(((await res.json()) as Record<string, unknown>)['error'], 'invalid_token');
      }
      const inQuery = await fetch(`${h.base}/v3/connect/userinfo?access_token=${t.access_token}`, { headers: { authorization: `Bearer ${t.access_token}` } });
      assert.equal(inQuery.status, 400);
    });
  });
});
