import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isConnectorStore } from '../../../src/index.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';

describe('v2 hosted OAuth (/oauth/authorize, /oauth/token)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  function authUrl(params: Record<string, string>): string {
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', ...params });
    return `${h.base}/oauth/authorize?${q}`;
  }

  async function code(params: Record<string, string>): Promise<string> {
    const done = await h.browser.run(authUrl(params));
    const c = paramsOf(done.url).get('code');
    assert.ok(c, `${done.url} ${done.body.slice(0, 300)}`);
    return c;
  }

  it('the full dance with Google, then the three wire forms of /oauth/token', async () => {
    const forms: Array<(c: string) => Promise<Response>> = [
      // Node v6: GET with the query.
      (c) => fetch(`${h.base}/oauth/token?${new URLSearchParams({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'authorization_code', code: c })}`),
      // Python v5: POST form.
      (c) =>
        fetch(`${h.base}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'authorization_code', code: c }),
        }),
      // Ruby v5 / Java v1: POST JSON.
      (c) =>
        fetch(`${h.base}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'authorization_code', code: c }),
        }),
    ];
    let accountId: unknown;
    for (const send of forms) {
      const c = await code({ provider: 'gmail', scopes: 'email.read_only,calendar', state: 'v2state' });
      const res = await send(c);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['access_token', 'account_id', 'email_address', 'provider', 'token_type']);
      assert.equal(body['provider'], 'gmail');
      assert.equal(body['token_type'], 'bearer');
      assert.equal(body['email_address'], 'ada@example.com');
      // Re-authentication keeps the account id.
      if (accountId !== undefined) assert.equal(body['account_id'], accountId);
      accountId = body['account_id'];
      const at = { authorization: `Bearer ${String(body['access_token'])}` };
      assert.equal((await fetch(`${h.base}/bodies`, { headers: at })).status, 200);
      assert.equal((await fetch(`${h.base}/calendar`, { headers: at })).status, 200);
      assert.equal((await fetch(`${h.base}/modify`, { headers: at })).status, 403);
    }
    const grant = await h.kit.store.getGrant(String(accountId));
    assert.deepEqual(grant?.scopes, ['email.read_only', 'calendar']);
    // v2 access tokens never expire.
    const tokens = await h.kit.store.listTokens({ kind: 'access', grantId: String(accountId) });
    assert.ok(tokens.every((t) => t.expiresAt === null));
  });

  it('deleting the google connector stops the hosted gmail grants made through it', async () => {
    const c = await code({ provider: 'gmail', scopes: 'email.read_only', login_hint: 'ada@example.com' });
    const res = await fetch(`${h.base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'authorization_code', code: c }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    const at = { authorization: `Bearer ${String(body['access_token'])}` };
    assert.equal((await fetch(`${h.base}/bodies`, { headers: at })).status, 200);
    const google = await h.kit.connectors.get('google');
    assert.ok(google);
    try {
      assert.equal(await h.kit.connectors.delete('google'), true);
      assert.equal((await fetch(`${h.base}/bodies`, { headers: at })).status, 401);
      assert.equal((await h.kit.store.getGrant(String(body['account_id'])))?.status, 'invalid');
    } finally {
      // Later cases sign in through Google again: put the same record (its sealed secret) back.
      assert.ok(isConnectorStore(h.kit.store));
      await h.kit.store.putConnector(google);
    }
  });

  it('the v2 scopes map to Google scopes upstream (§2.4), with the identity scopes', async () => {
    const res = await fetch(authUrl({ provider: 'gmail', scopes: 'email.metadata,contacts.read_only' }), { redirect: 'manual' });
    const scope = String(new URL(String(res.headers.get('location'))).searchParams.get('scope')).split(' ');
    assert.deepEqual(scope.sort(), [
      'https://www.googleapis.com/auth/contacts.readonly',
      'https://www.googleapis.com/auth/gmail.metadata',
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'openid',
    ]);
  });

  it('Microsoft and email.metadata: Mail.Read upstream, the grant keeps only email.metadata', async () => {
    h.microsoft.user.email = 'meta@contoso.example';
    const start = await fetch(authUrl({ provider: 'office365', scopes: 'email.metadata' }), { redirect: 'manual' });
    const upstream = String(new URL(String(start.headers.get('location'))).searchParams.get('scope')).split(' ');
    assert.ok(upstream.includes('Mail.Read'));
    const c = await code({ provider: 'office365', scopes: 'email.metadata' });
    const res = await fetch(`${h.base}/oauth/token?${new URLSearchParams({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'authorization_code', code: c })}`);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['provider'], 'office365');
    const grant = await h.kit.store.getGrant(String(body['account_id']));
    assert.deepEqual(grant?.scopes, ['email.metadata']);
    const at = { authorization: `Bearer ${String(body['access_token'])}` };
    assert.equal((await fetch(`${h.base}/headers`, { headers: at })).status, 200);
    const bodies = await fetch(`${h.base}/bodies`, { headers: at });
    assert.equal(bodies.status, 403, 'the provider token could read bodies, but the grant cannot');
  });

  it('response_type=token is unsupported by default', async () => {
    const res = await fetch(authUrl({ provider: 'gmail', response_type: 'token' }), { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /unsupported_response_type/);
    const redirected = await fetch(authUrl({ provider: 'gmail', response_type: 'token', redirect_on_error: 'true', state: 'st' }), { redirect: 'manual' });
    const p = paramsOf(String(redirected.headers.get('location')));
    assert.equal(p.get('error'), 'unsupported_response_type');
    assert.equal(p.get('state'), 'st');
  });

  it('a v2 code is refused at the v3 token endpoint, and a wrong client secret at the v2 one', async () => {
    const c = await code({ provider: 'gmail', scopes: 'email.read_only' });
    const wrong = await fetch(`${h.base}/oauth/token?${new URLSearchParams({ client_id: APP_ID, client_secret: 'nope', grant_type: 'authorization_code', code: c })}`);
    assert.equal(wrong.status, 401);
    assert.deepEqual(Object.keys((await wrong.json()) as object).sort(), ['message', 'type']);
    const v3 = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: APP_ID, client_secret: APP_SECRET, code: c, redirect_uri: APP_CALLBACK }),
    });
    assert.equal(v3.status, 400);
  });

  it('an unknown v2 scope is refused; the picker offers gmail and office365', async () => {
    const bad = await fetch(authUrl({ provider: 'gmail', scopes: 'email.everything' }), { redirect: 'manual' });
    assert.equal(bad.status, 400);
    const picker = await fetch(authUrl({}));
    assert.equal(picker.status, 200);
    const html = await picker.text();
    assert.match(html, /provider=gmail/);
    assert.match(html, /provider=office365/);
  });
});

describe('v2 response_type=token when the app enables it', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ hostedOAuth: { allowTokenResponse: true } });
  });
  after(() => h.close());

  it('returns the access token in the fragment', async () => {
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'token', provider: 'gmail', scopes: 'email.read_only', state: 'f' });
    const done = await h.browser.run(`${h.base}/oauth/authorize?${q}`);
    const fragment = new URLSearchParams(new URL(done.url).hash.slice(1));
    assert.equal(fragment.get('state'), 'f');
    const at = String(fragment.get('access_token'));
    assert.match(at, /^gk_at_/);
    assert.equal(new URL(done.url).search, '');
    assert.equal((await fetch(`${h.base}/bodies`, { headers: { authorization: `Bearer ${at}` } })).status, 200);
  });
});
