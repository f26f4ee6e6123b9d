import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { grantkit } from '../../../adapters/express/index.js';
import { sandboxProvider } from '../../../src/index.js';
import { hashSecret } from '../../../src/crypto/tokens.js';
import { kScopeMask } from '../../../src/grants/grant.js';
import { actingScopes, TokenGrants } from '../../../src/grants/token-scopes.js';
import { GOOGLE_PREFIX } from '../../../src/scopes/provider-google.js';
import { v2ScopeGraph } from '../../../src/scopes/graph.js';
import type { ScopeVocabulary } from '../../../src/scopes/vocabulary.js';
import { CLIENT_ID, CLIENT_SECRET, makeKit, nativeToken, type TestKit } from '../../support/helpers.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, Browser, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';

/**
 * A token acts with the scopes it was issued with, within its grant's current scopes, and every
 * place that reports or enforces what a token may do says the same: v2 token-info, v3 tokeninfo,
 * GET /v3/grants/me, the app's guarded v3 routes, and the refresh that continues its chain.
 */

const GMAIL_READ = `${GOOGLE_PREFIX}gmail.readonly`;
const GMAIL_MODIFY = `${GOOGLE_PREFIX}gmail.modify`;

describe('a token reports and acts with its own scopes (native sandbox sign-ins, v2 and v3 routes)', () => {
  let t: TestKit;
  let app: express.Express;
  let apiKey: string;
  before(async () => {
    t = makeKit({ providers: [sandboxProvider()] });
    apiKey = (await t.kit.apiKeys.create({ clientId: CLIENT_ID })).key;
    const gk = grantkit(t.kit);
    app = express();
    app.use(gk.routes());
    app.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), (req, res) => void res.json({ grant: req.grant?.id }));
    app.put('/v3/grants/:grant/messages/:id', gk.requireScopes('email.modify'), (req, res) => void res.json({ grant: req.grant?.id }));
    app.get('/v3/grants/:grant/events', gk.requireScopes('calendar.read_only'), (req, res) => void res.json({ grant: req.grant?.id }));
  });
  after(() => t.kit.close());

  /** v2 POST /a/{client_id}/accounts/{id}/token-info: the comma-separated `scopes`. */
  async function v2Info(token: string, accountId: string): Promise<string> {
    const res = await request(app).post(`/a/${CLIENT_ID}/accounts/${accountId}/token-info`).auth(CLIENT_SECRET, '').send({ access_token: token });
    assert.equal(res.status, 200, res.text);
    return res.body.scopes as string;
  }

  /** v3 GET /v3/connect/tokeninfo?access_token=, asked with the API key: the space-separated `scope` claim. */
  async function v3Info(token: string): Promise<string> {
    const res = await request(app).get(`/v3/connect/tokeninfo?access_token=${token}`).set('authorization', `Bearer ${apiKey}`);
    assert.equal(res.status, 200, res.text);
    return res.body.data.scope as string;
  }

  /** GET /v3/grants/me with the token itself: the grant object's `scope`. */
  async function me(token: string): Promise<string[]> {
    const res = await request(app).get('/v3/grants/me').set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 200, res.text);
    return res.body.data.scope as string[];
  }

  /** GET /v3/grants/{id} with the API key: the grant itself. */
  async function grantScopes(accountId: string): Promise<string[]> {
    const res = await request(app).get(`/v3/grants/${accountId}`).set('authorization', `Bearer ${apiKey}`);
    assert.equal(res.status, 200, res.text);
    return res.body.data.scope as string[];
  }

  const read = (token: string) => request(app).get('/v3/grants/me/messages').set('authorization', `Bearer ${token}`);
  const modify = (token: string) => request(app).put('/v3/grants/me/messages/7').set('authorization', `Bearer ${token}`).send({});
  const events = (token: string) => request(app).get('/v3/grants/me/events').set('authorization', `Bearer ${token}`);

  it('a token issued before a re-authentication that widened the grant reports, and is limited to, its original scopes', async () => {
    const old = await nativeToken(app, { email: 'wide@example.com', scopes: 'email.read_only' });
    const wide = await nativeToken(app, { email: 'wide@example.com', scopes: 'email.modify,calendar' });
    assert.equal(wide.accountId, old.accountId, 're-authentication keeps the grant');
    assert.deepEqual(await grantScopes(old.accountId), ['email.modify', 'calendar'], 'the grant was widened');

    assert.equal(await v2Info(old.token, old.accountId), 'email.read_only');
    assert.equal(await v3Info(old.token), 'email.read_only');
    assert.deepEqual(await me(old.token), ['email.read_only']);
    assert.equal((await read(old.token)).status, 200);
    const refused = await modify(old.token);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /following scopes: \['email.read_only'\]\. You would need/, 'the 403 names the scopes the token has');
    assert.equal((await events(old.token)).status, 403);

    // The token of the widening sign-in has all of it.
    assert.equal(await v2Info(wide.token, wide.accountId), 'email.modify,calendar');
    assert.equal(await v3Info(wide.token), 'email.modify calendar');
    assert.deepEqual(await me(wide.token), ['email.modify', 'calendar']);
    assert.equal((await modify(wide.token)).status, 200);
    assert.equal((await events(wide.token)).status, 200);
  });

  it('a token whose grant was narrowed by a re-authentication reports the narrowed scopes, read through the hierarchy', async () => {
    const first = await nativeToken(app, { email: 'narrow@example.com', scopes: 'email.modify,calendar' });
    const again = await nativeToken(app, { email: 'narrow@example.com', scopes: 'email.read_only,contacts' });
    assert.equal(again.accountId, first.accountId);
    // email.modify within email.read_only is email.read_only; calendar is gone; contacts was never the token's.
    assert.equal(await v2Info(first.token, first.accountId), 'email.read_only');
    assert.equal(await v3Info(first.token), 'email.read_only');
    assert.deepEqual(await me(first.token), ['email.read_only']);
    assert.equal((await read(first.token)).status, 200);
    assert.equal((await modify(first.token)).status, 403);
    assert.equal((await events(first.token)).status, 403);
  });

  it('a token whose grant was narrowed through PATCH /v3/grants/{id} reports the narrowed scopes, and nothing once none is left', async () => {
    const old = await nativeToken(app, { email: 'patched@example.com', scopes: 'email.read_only' });
    const wide = await nativeToken(app, { email: 'patched@example.com', scopes: 'email.modify,calendar' });
    const patch = await request(app)
      .patch(`/v3/grants/${wide.accountId}`)
      .set('authorization', `Bearer ${apiKey}`)
      .send({ scope: ['calendar'] });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(await v2Info(wide.token, wide.accountId), 'calendar');
    assert.equal(await v3Info(wide.token), 'calendar');
    assert.deepEqual(await me(wide.token), ['calendar']);
    assert.equal((await events(wide.token)).status, 200);
    assert.equal((await read(wide.token)).status, 403);
    // The older token held only email.read_only, which the grant no longer has.
    assert.equal(await v2Info(old.token, old.accountId), '');
    assert.equal(await v3Info(old.token), '');
    assert.deepEqual(await me(old.token), []);
    assert.equal((await read(old.token)).status, 403);
    assert.equal((await events(old.token)).status, 403);
  });
});

describe('a hosted v3 token reports and acts with its own scopes, and so does its refresh chain', () => {
  let h: Harness;
  let apiKey: string;
  before(async () => {
    h = await startHarness();
    apiKey = (await h.kit.apiKeys.create({ clientId: APP_ID })).key;
  });
  after(() => h.close());

  async function hosted(email: string, scope: string): Promise<Record<string, string>> {
    h.google.user.email = email;
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'google', scope, state: 'st', access_type: 'offline' });
    const done = await new Browser().run(`${h.base}/v3/connect/auth?${q}`);
    const code = paramsOf(done.url).get('code');
    assert.ok(code, done.url);
    const res = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: APP_CALLBACK, grant_type: 'authorization_code', code }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, string>;
  }

  async function tokenInfo(token: string): Promise<string> {
    const res = await fetch(`${h.base}/v3/connect/tokeninfo?${new URLSearchParams({ access_token: token })}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const body = (await res.json()) as { data: { scope: string } };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.data.scope;
  }

  async function me(token: string): Promise<string[]> {
    const res = await fetch(`${h.base}/v3/grants/me`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { data: { scope: string[] } };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.data.scope;
  }

  const status = async (path: string, token: string) => (await fetch(`${h.base}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('after a widening re-authentication the older token reports gmail.readonly on tokeninfo and /v3/grants/me', async () => {
    const narrow = await hosted('wren@example.com', GMAIL_READ);
    const wide = await hosted('wren@example.com', `${GMAIL_READ} ${GMAIL_MODIFY}`);
    assert.equal(wide['grant_id'], narrow['grant_id']);
    assert.equal(await tokenInfo(narrow['access_token']!), GMAIL_READ);
    assert.deepEqual(await me(narrow['access_token']!), [GMAIL_READ]);
    assert.equal(await status('/modify', narrow['access_token']!), 403);
    assert.equal(await tokenInfo(wide['access_token']!), `${GMAIL_READ} ${GMAIL_MODIFY}`);
  });

  it('after a narrowing re-authentication the token reports, and its refresh carries on with, the narrowed scope', async () => {
    const wide = await hosted('nell@example.com', GMAIL_MODIFY);
    await hosted('nell@example.com', GMAIL_READ);
    // gmail.modify within gmail.readonly is gmail.readonly.
    assert.equal(await tokenInfo(wide['access_token']!), GMAIL_READ);
    assert.deepEqual(await me(wide['access_token']!), [GMAIL_READ]);
    assert.equal(await status('/bodies', wide['access_token']!), 200);
    assert.equal(await status('/modify', wide['access_token']!), 403);
    const refreshed = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'refresh_token', refresh_token: wide['refresh_token'] }),
    });
    const r = (await refreshed.json()) as Record<string, string>;
    assert.equal(refreshed.status, 200, JSON.stringify(r));
    assert.equal(r['scope'], GMAIL_READ, 'the chain keeps what its token could still do');
    assert.equal(await status('/bodies', r['access_token']!), 200);
    assert.equal(await status('/modify', r['access_token']!), 403);
    assert.equal(await tokenInfo(r['access_token']!), GMAIL_READ);
  });
});

describe('actingScopes: the one rule for the scopes a token acts with', () => {
  const table: Array<[ScopeVocabulary, string[], string[] | null, string[]]> = [
    // [vocabulary, grant's scopes now, token's scopes, what it acts with]
    ['v2', ['email.modify', 'calendar'], null, ['email.modify', 'calendar']],
    ['v2', ['email.modify', 'calendar'], ['email.read_only'], ['email.read_only']],
    ['v2', ['email.read_only', 'contacts'], ['email.modify', 'calendar'], ['email.read_only']],
    ['v2', ['email.read_only', 'email.send'], ['email'], ['email.read_only', 'email.send']],
    ['v2', ['calendar'], ['email.read_only'], []],
    ['v2', ['email.modify'], [], []],
    ['v3', [GMAIL_READ, GMAIL_MODIFY], [GMAIL_READ], [GMAIL_READ]],
    ['v3', [GMAIL_READ], [GMAIL_MODIFY], [GMAIL_READ]],
    // Identity scopes and open provider strings match literally, in either direction.
    ['v3', ['openid', 'email', GMAIL_READ], ['openid', 'email', 'profile', GMAIL_MODIFY], ['openid', 'email', GMAIL_READ]],
    ['v3', ['Mail.Read', 'x-custom'], ['x-custom', 'Calendars.Read'], ['x-custom']],
    // In v3, `email` is OpenID's: it satisfies no data scope, and full Gmail does not make it the token's.
    ['v3', ['https://mail.google.com/'], ['email'], []],
  ];
  for (const [vocabulary, grant, token, expected] of table) {
    it(`${vocabulary} grant [${grant.join(' ')}], token ${token === null ? '(none recorded)' : `[${token.join(' ')}]`} → [${expected.join(' ')}]`, () => {
      assert.deepEqual(actingScopes(v2ScopeGraph, grant, token, vocabulary), expected);
    });
  }
});

describe('TokenGrants: what a narrowed token acts with is remembered', () => {
  const record = {
    id: 'g1',
    clientId: CLIENT_ID,
    provider: 'sandbox',
    email: 'a@example.com',
    name: '',
    scopes: Object.freeze(['email.modify', 'calendar']),
    status: 'valid',
    settings: null,
    createdAt: 0,
    updatedAt: 0,
    scopeVocabulary: 'v2',
  } as const;

  it('finds a frozen token list by identity: no JSON key is built once it is known', (t) => {
    const grants = new TokenGrants(v2ScopeGraph, () => 'v2');
    const tokenScopes = Object.freeze(['email.read_only']);
    const first = grants.ofToken(record, tokenScopes);
    const stringify = t.mock.method(JSON, 'stringify');
    const again = grants.ofToken(record, tokenScopes);
    assert.equal(stringify.mock.callCount(), 0);
    assert.deepEqual(again.scopes, ['email.read_only']);
    assert.equal(again.scopes, first.scopes, 'the same remembered list');
  });

  it('answers a list that is not frozen by content, the same as a frozen one', () => {
    const grants = new TokenGrants(v2ScopeGraph, () => 'v2');
    const byIdentity = grants.ofToken(record, Object.freeze(['email.read_only']));
    const byContent = grants.ofToken(record, ['email.read_only']);
    assert.deepEqual(byContent.scopes, ['email.read_only']);
    assert.equal(byContent.scopes, byIdentity.scopes);
    assert.equal(byContent[kScopeMask], byIdentity[kScopeMask], 'the same bitset');
  });
});

describe('POST /v3/connect/revoke on the kit clock', () => {
  it('dates the revoked family with the kit clock, not the wall clock', async () => {
    const t = makeKit({ providers: [sandboxProvider()] });
    const apiKey = (await t.kit.apiKeys.create({ clientId: CLIENT_ID })).key;
    const app = express();
    app.use(grantkit(t.kit).routes());
    const { token } = await nativeToken(app, { email: 'revoked@example.com' });
    const family = (await t.store.resolve(hashSecret(token), t.clock.now))?.token.family;
    assert.equal(typeof family, 'string');
    t.clock.advance(1234);
    const res = await request(app).post(`/v3/connect/revoke?token=${token}`).set('authorization', `Bearer ${apiKey}`);
    assert.equal(res.status, 200, res.text);
    const dump = t.store.dump() as { revokedFamilies?: Record<string, number> };
    assert.equal(dump.revokedFamilies?.[family!], t.clock.now);
    await t.kit.close();
  });
});
