import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { APP_CALLBACK, APP_ID, APP_SECRET, Browser, paramsOf, SPA_CALLBACK, SPA_ID, startHarness, type Harness } from '../../support/oauth-harness.js';
import { s256Pair, sdkPair } from '../../support/pkce-helpers.js';

const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';

describe('v3 hosted OAuth against an OpenID server standing in for Google', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  function authUrl(params: Record<string, string>): string {
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', ...params });
    return `${h.base}/v3/connect/auth?${q}`;
  }

  async function token(body: Record<string, string>): Promise<Response> {
    return fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, redirect_uri: APP_CALLBACK, ...body }),
    });
  }

  it('completes the redirect dance: code, token JSON, a guard admits gmail.readonly as email.read_only, id_token verifies', async () => {
    const { verifier, challenge } = s256Pair();
    const done = await h.browser.run(
      authUrl({ provider: 'google', scope: GMAIL_READ, state: 'xyz', access_type: 'offline', code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    const p = paramsOf(done.url);
    assert.equal(p.get('state'), 'xyz');
    const code = p.get('code');
    assert.ok(code, done.url);
    const res = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, client_secret: APP_SECRET });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'email', 'expires_in', 'grant_id', 'id_token', 'provider', 'refresh_token', 'scope', 'token_type']);
    assert.equal(body['email'], 'ada@example.com');
    assert.equal(body['provider'], 'google');
    assert.equal(body['scope'], GMAIL_READ);
    assert.equal(body['token_type'], 'Bearer');
    assert.equal(body['expires_in'], 3600);

    const bodies = await fetch(`${h.base}/bodies`, { headers: { authorization: `Bearer ${String(body['access_token'])}` } });
    assert.equal(bodies.status, 200);
    const modify = await fetch(`${h.base}/modify`, { headers: { authorization: `Bearer ${String(body['access_token'])}` } });
    assert.equal(modify.status, 403);

    const jwks = createRemoteJWKSet(new URL(`${h.base}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(String(body['id_token']), jwks, { issuer: h.base, audience: APP_ID });
    assert.equal(payload.sub, body['grant_id']);
    assert.equal(payload['email'], 'ada@example.com');
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
  });

  /** A code through the whole dance, with the given extra authorization parameters. */
  async function codeFor(params: Record<string, string>, url = authUrl): Promise<string> {
    const done = await h.browser.run(url({ provider: 'google', scope: GMAIL_READ, ...params }));
    const code = paramsOf(done.url).get('code');
    assert.ok(code, `no code: ${done.url} ${done.body.slice(0, 300)}`);
    return code;
  }

  async function exchange(params: Record<string, string>, body: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const code = await codeFor(params);
    const res = await token({ grant_type: 'authorization_code', code, ...body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('the id_token carries the nonce of its authorization request, email_verified from the proof, and the name', async () => {
    const claimsOf = async (params: Record<string, string>, email: string, emailVerified: boolean): Promise<Record<string, unknown>> => {
      Object.assign(h.google.user, { email, emailVerified });
      try {
        // A browser of its own: no session at the provider, so it signs in as this user.
        const done = await new Browser().run(authUrl({ provider: 'google', scope: GMAIL_READ, ...params }));
        const res = await token({ grant_type: 'authorization_code', code: String(paramsOf(done.url).get('code')), client_secret: APP_SECRET });
        const body = (await res.json()) as Record<string, unknown>;
        assert.equal(res.status, 200, JSON.stringify(body));
        const jwks = createRemoteJWKSet(new URL(`${h.base}/.well-known/jwks.json`));
        return (await jwtVerify(String(body['id_token']), jwks, { issuer: h.base, audience: APP_ID })).payload;
      } finally {
        Object.assign(h.google.user, { email: 'ada@example.com', emailVerified: undefined });
      }
    };
    const withNonce = await claimsOf({ nonce: 'n-0S6_WzA2Mj' }, 'nonce@example.com', true);
    assert.equal(withNonce['nonce'], 'n-0S6_WzA2Mj');
    assert.equal(withNonce['email_verified'], true);
    assert.equal(typeof withNonce['name'], 'string');
    const without = await claimsOf({}, 'unverified@example.com', false);
    assert.equal('nonce' in without, false, 'no nonce asked, none given');
    assert.equal(without['email_verified'], false);
  });

  it("an OpenID client's scope: identity scopes pass the connector's list, offline_access gives a refresh token and stays home", async () => {
    const start = await fetch(authUrl({ provider: 'google', scope: `openid email offline_access ${GMAIL_READ}` }), { redirect: 'manual' });
    const upstream = String(new URL(String(start.headers.get('location'))).searchParams.get('scope')).split(' ');
    assert.ok(upstream.includes('openid') && upstream.includes(GMAIL_READ), upstream.join(' '));
    assert.equal(upstream.includes('offline_access'), false, 'Google has no such scope');
    const res = await exchange({ scope: `openid email offline_access ${GMAIL_READ}` }, { client_secret: APP_SECRET });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(String(res.body['refresh_token']), /^gk_rt_/);
    assert.ok(String(res.body['scope']).split(' ').includes(GMAIL_READ));
  });

  it('re-authentication keeps the grant id and replaces its scopes', async () => {
    const first = await exchange({}, { client_secret: APP_SECRET });
    const second = await exchange({ scope: `${GMAIL_READ} https://www.googleapis.com/auth/calendar.readonly` }, { client_secret: APP_SECRET });
    assert.equal(first.status, 200);
    assert.equal(second.body['grant_id'], first.body['grant_id']);
    const grant = await h.kit.store.getGrant(String(first.body['grant_id']));
    assert.deepEqual(grant?.scopes, [GMAIL_READ, 'https://www.googleapis.com/auth/calendar.readonly']);
    const cal = await fetch(`${h.base}/calendar`, { headers: { authorization: `Bearer ${String(second.body['access_token'])}` } });
    assert.equal(cal.status, 200);
  });

  it('access_type=online (the default) issues no refresh token', async () => {
    const r = await exchange({}, { client_secret: APP_SECRET });
    assert.equal(r.status, 200);
    assert.equal(r.body['refresh_token'], undefined);
  });

  it('refresh tokens rotate on every use, and a reuse revokes the whole family', async () => {
    const r = await exchange({ access_type: 'offline' }, { client_secret: APP_SECRET });
    const rt1 = String(r.body['refresh_token']);
    const res2 = await token({ grant_type: 'refresh_token', refresh_token: rt1, client_secret: APP_SECRET });
    assert.equal(res2.status, 200);
    const b2 = (await res2.json()) as Record<string, unknown>;
    assert.notEqual(b2['refresh_token'], rt1);
    assert.equal(b2['grant_id'], r.body['grant_id']);
    assert.equal(b2['provider'], undefined, 'provider is only on code exchange');
    const at2 = String(b2['access_token']);
    assert.equal((await fetch(`${h.base}/bodies`, { headers: { authorization: `Bearer ${at2}` } })).status, 200);
    // The old token again: refused, and the live refresh token and its access tokens die with it.
    const replay = await token({ grant_type: 'refresh_token', refresh_token: rt1, client_secret: APP_SECRET });
    assert.equal(replay.status, 400);
    assert.equal(((await replay.json()) as Record<string, unknown>)['error'], 'invalid_grant');
    assert.equal((await fetch(`${h.base}/bodies`, { headers: { authorization: `Bearer ${at2}` } })).status, 401);
    const rt2 = await token({ grant_type: 'refresh_token', refresh_token: String(b2['refresh_token']), client_secret: APP_SECRET });
    assert.equal(rt2.status, 400);
  });

  it('access tokens expire after the configured lifetime', async () => {
    const r = await exchange({}, { client_secret: APP_SECRET });
    const rec = await h.kit.store.listTokens({ kind: 'access', grantId: String(r.body['grant_id']) });
    const mine = rec.find((t) => t.expiresAt !== null);
    assert.ok(mine);
    assert.ok(Math.abs(mine.expiresAt! - mine.createdAt - 3600_000) < 1000);
  });

  it('a code is single-use: a replay is refused and revokes what the first exchange issued', async () => {
    const code = await codeFor({});
    const first = await token({ grant_type: 'authorization_code', code, client_secret: APP_SECRET });
    const at = String(((await first.json()) as Record<string, unknown>)['access_token']);
    const again = await token({ grant_type: 'authorization_code', code, client_secret: APP_SECRET });
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as Record<string, unknown>)['error'], 'invalid_grant');
    assert.equal((await fetch(`${h.base}/bodies`, { headers: { authorization: `Bearer ${at}` } })).status, 401);
  });

  it('a code is bound to its redirect_uri and client', async () => {
    const code = await codeFor({});
    const res = await token({ grant_type: 'authorization_code', code, client_secret: APP_SECRET, redirect_uri: 'http://127.0.0.1:9/other' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Record<string, unknown>)['error'], 'invalid_grant');
  });

  describe('PKCE', () => {
    it('S256 with verifiers of 43 and 128 characters succeeds; 42 and 129 are refused', async () => {
      for (const [len, ok] of [[43, true], [128, true], [42, false], [129, false]] as const) {
        const { verifier, challenge } = s256Pair(len);
        assert.equal(verifier.length, len);
        const r = await exchange({ code_challenge: challenge, code_challenge_method: 'S256' }, { code_verifier: verifier });
        assert.equal(r.status, ok ? 200 : 400, `verifier of ${len}: ${JSON.stringify(r.body)}`);
        if (!ok) assert.equal(r.body['error'], 'invalid_grant');
      }
    });

    it('the SDK variant s256: base64 of the hex SHA-256 of a UUID verifier; no client secret needed', async () => {
      const verifier = randomUUID();
      const r = await exchange({ code_challenge: sdkPair(verifier), code_challenge_method: 's256' }, { code_verifier: verifier });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    });

    it('a wrong verifier fails and burns the code: the right one then fails too', async () => {
      const { verifier, challenge } = s256Pair();
      const code = await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' });
      const wrong = await token({ grant_type: 'authorization_code', code, code_verifier: s256Pair().verifier });
      assert.equal(wrong.status, 400);
      assert.equal(((await wrong.json()) as Record<string, unknown>)['error'], 'invalid_grant');
      const right = await token({ grant_type: 'authorization_code', code, code_verifier: verifier });
      assert.equal(right.status, 400);
    });

    it('a missing verifier for a PKCE code is refused', async () => {
      const { challenge } = s256Pair();
      const r = await exchange({ code_challenge: challenge, code_challenge_method: 'S256' }, { client_secret: APP_SECRET });
      assert.equal(r.status, 400);
      assert.equal(r.body['error'], 'invalid_grant');
    });

    it('a verifier for a code issued without a challenge is a downgrade and is refused', async () => {
      const r = await exchange({}, { client_secret: APP_SECRET, code_verifier: s256Pair().verifier });
      assert.equal(r.status, 400);
    });

    it('plain is refused unless enabled; a public client without PKCE is refused', async () => {
      const plain = await h.browser.run(authUrl({ provider: 'google', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }));
      assert.equal(paramsOf(plain.url).get('error'), 'invalid_request');
      const spa = await h.browser.run(
        `${h.base}/v3/connect/auth?${new URLSearchParams({ client_id: SPA_ID, redirect_uri: SPA_CALLBACK, response_type: 'code', provider: 'google' })}`,
      );
      assert.equal(paramsOf(spa.url).get('error'), 'invalid_request');
      assert.match(String(paramsOf(spa.url).get('error_description')), /PKCE/);
    });

    it('a public client completes PKCE from the browser: CORS for the configured origin only', async () => {
      const { verifier, challenge } = s256Pair();
      const spaUrl = (p: Record<string, string>): string =>
        `${h.base}/v3/connect/auth?${new URLSearchParams({ client_id: SPA_ID, redirect_uri: SPA_CALLBACK, response_type: 'code', ...p })}`;
      const code = await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' }, spaUrl);
      const pre = await fetch(`${h.base}/v3/connect/token`, { method: 'OPTIONS', headers: { origin: 'https://spa.example' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), 'https://spa.example');
      const res = await fetch(`${h.base}/v3/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://spa.example' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: SPA_ID, redirect_uri: SPA_CALLBACK, code, code_verifier: verifier }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://spa.example');
      const evil = await fetch(`${h.base}/v3/connect/token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
      assert.equal(evil.headers.get('access-control-allow-origin'), null);
    });
  });

  it('an API key of the client is accepted as client_secret (§0.9); another string is not', async () => {
    const { key } = await h.kit.apiKeys.create({ clientId: APP_ID });
    const ok = await exchange({}, { client_secret: key });
    assert.equal(ok.status, 200);
    const bad = await exchange({}, { client_secret: 'not-the-secret' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body['error'], 'invalid_client');
  });

  describe('scopes', () => {
    it('a provider that grants less than asked fails with grant.scopes_conflict', async () => {
      h.google.user.deny = ['https://www.googleapis.com/auth/gmail.send'];
      try {
        const done = await h.browser.run(authUrl({ provider: 'google', scope: `${GMAIL_READ} https://www.googleapis.com/auth/gmail.send` }));
        const p = paramsOf(done.url);
        assert.equal(p.get('code'), null);
        assert.equal(p.get('error'), 'access_denied');
        assert.equal(p.get('error_type'), 'grant.scopes_conflict');
      } finally {
        h.google.user.deny = [];
      }
    });

    it('scopes outside the connector allowed list are refused; connector defaults apply when none are sent', async () => {
      const done = await h.browser.run(authUrl({ provider: 'google', scope: 'https://www.googleapis.com/auth/contacts' }));
      assert.match(String(paramsOf(done.url).get('error_description')), /not allowed by the google connector/);
      const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'google' });
      const code = paramsOf((await h.browser.run(`${h.base}/v3/connect/auth?${q}`)).url).get('code');
      const res = await token({ grant_type: 'authorization_code', code: String(code), client_secret: APP_SECRET });
      assert.equal(((await res.json()) as Record<string, unknown>)['scope'], GMAIL_READ);
    });

    it('Exchange (EWS/EAS) scopes and Microsoft Basic sign-in are refused in v3 with a clear error', async () => {
      const ews = await h.browser.run(authUrl({ provider: 'google', scope: 'https://outlook.office365.com/EWS.AccessAsUser.All' }));
      assert.match(String(paramsOf(ews.url).get('error_description')), /Exchange/);
      const basic = await h.browser.run(authUrl({ provider: 'ews' }));
      assert.match(String(paramsOf(basic.url).get('error_description')), /Basic/);
    });

    it('Microsoft (tenant in the URL): Graph scopes bridge to the Nylas scopes', async () => {
      h.microsoft.user.email = 'grace@contoso.example';
      const done = await h.browser.run(authUrl({ provider: 'microsoft', scope: 'Mail.ReadWrite' }));
      const code = paramsOf(done.url).get('code');
      assert.ok(code, done.url + done.body.slice(0, 200));
      const res = await token({ grant_type: 'authorization_code', code, client_secret: APP_SECRET });
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body['provider'], 'microsoft');
      assert.equal(body['email'], 'grace@contoso.example');
      const at = { authorization: `Bearer ${String(body['access_token'])}` };
      assert.equal((await fetch(`${h.base}/modify`, { headers: at })).status, 200);
      assert.equal((await fetch(`${h.base}/headers`, { headers: at })).status, 200);
    });
  });

  describe('callback URIs and the mix-up defence', () => {
    it('an unregistered callback URI shows an error page and never redirects', async () => {
      for (const uri of ['http://127.0.0.1:9/callback/', 'http://127.0.0.1:9/callbacK', 'https://evil.example/callback']) {
        const res = await fetch(`${h.base}/v3/connect/auth?${new URLSearchParams({ client_id: APP_ID, redirect_uri: uri, response_type: 'code', provider: 'google' })}`, {
          redirect: 'manual',
        });
        assert.equal(res.status, 400);
        assert.equal(res.headers.get('location'), null);
        assert.match(await res.text(), /grant\.callback_uri_not_allowed/);
      }
    });

    it('an unknown client shows an error page', async () => {
      const res = await fetch(`${h.base}/v3/connect/auth?client_id=nobody&redirect_uri=${encodeURIComponent(APP_CALLBACK)}&provider=google`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
    });

    it('a callback on the Google route carrying the state of a Microsoft flow is refused', async () => {
      const start = await fetch(authUrl({ provider: 'microsoft', scope: 'Mail.Read' }), { redirect: 'manual' });
      const upstream = new URL(String(start.headers.get('location')));
      const state = String(upstream.searchParams.get('state'));
      const res = await fetch(`${h.base}/oauth/callback/google?code=anything&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /another provider/);
      // The flow is burned: the right route cannot use it either.
      const again = await fetch(`${h.base}/oauth/callback/microsoft?code=anything&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
      assert.equal(again.status, 400);
    });

    it('a state completed in another browser than the one that started the flow is refused', async () => {
      const start = await fetch(authUrl({ provider: 'google' }), { redirect: 'manual' });
      assert.match(String(start.headers.get('set-cookie')), /^gk_flow_[A-Za-z0-9_-]+=[A-Za-z0-9_-]{43}; Path=\/oauth\/callback; Max-Age=900; HttpOnly; SameSite=Lax$/);
      const other = new Browser();
      const done = await other.run(String(start.headers.get('location')));
      assert.equal(done.status, 400);
      assert.match(done.body, /another browser/);
    });

    it('an unknown or replayed state is refused', async () => {
      const res = await fetch(`${h.base}/oauth/callback/google?code=x&state=gk_flow_nope`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    });

    it('state and PKCE go upstream; the user refusing comes back as access_denied with the app state', async () => {
      const start = await fetch(authUrl({ provider: 'google', state: 's1' }), { redirect: 'manual' });
      assert.equal(start.status, 302);
      const upstream = new URL(String(start.headers.get('location')));
      assert.equal(upstream.searchParams.get('code_challenge_method'), 'S256');
      assert.match(String(upstream.searchParams.get('state')), /^gk_flow_/);
      assert.equal(upstream.searchParams.get('redirect_uri'), `${h.base}/oauth/callback/google`);
      h.google.user.refuse = true;
      try {
        const done = await h.browser.run(authUrl({ provider: 'google', state: 's2' }));
        assert.equal(paramsOf(done.url).get('error'), 'access_denied');
        assert.equal(paramsOf(done.url).get('state'), 's2');
      } finally {
        h.google.user.refuse = false;
      }
    });
  });

  it('without a provider, a picker page lists the configured providers, unframeable and without referrer', async () => {
    const res = await fetch(`${h.base}/v3/connect/auth?${new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code' })}`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /text\/html/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const html = await res.text();
    assert.match(html, /provider=google/);
    assert.match(html, /provider=microsoft/);
    assert.doesNotMatch(html, /provider=oauth2/);
  });

  it('a provider without a connector gives the documented error', async () => {
    await h.kit.connectors.delete('microsoft').catch(() => undefined);
    const done = await h.browser.run(authUrl({ provider: 'oauth2' }));
    assert.match(String(paramsOf(done.url).get('error_description')), /without a connector/);
  });

  it('token endpoint errors are OAuth-style and never cached', async () => {
    const res = await token({ grant_type: 'authorization_code', client_secret: APP_SECRET });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['error', 'error_code', 'error_description', 'error_uri']);
    const unsupported = await token({ grant_type: 'password', client_secret: APP_SECRET });
    assert.equal(unsupported.status, 400);
  });
});
