import assert from 'node:assert/strict';
import request from 'supertest';
import { after, afterEach, before, describe, it } from 'node:test';
import { imapProvider, passwordProvider, sandboxProvider } from '../../../src/index.js';
import type { GrantEvent } from '../../../src/events/events.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../../../src/crypto/tokens.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, Browser, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';
import { makeApp, makeKit } from '../../support/helpers.js';
import { connect, startImap } from '../../support/providers.js';

const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';
const GMAIL_MODIFY = 'https://www.googleapis.com/auth/gmail.modify';
const REFUSED = /already connected through another sign-in/;

describe('who may re-authenticate a grant (hosted, native and custom sign-ins against one grant)', () => {
  let h: Harness;
  let apiKey: string;
  before(async () => {
    h = await startHarness({ providers: [sandboxProvider()] });
    apiKey = (await h.kit.apiKeys.create({ clientId: APP_ID })).key;
  });
  after(() => h.close());
  afterEach(() => {
    for (const u of [h.google.user, h.microsoft.user]) {
      u.email = 'ada@example.com';
      delete u.subject;
      delete u.emailVerified;
    }
  });

  /** A hosted v3 sign-in through a fresh browser; the redirect back to the app, and the token JSON when a code came. */
  async function hosted(provider: 'google' | 'microsoft', email: string, scope: string, state = 'st-1') {
    h[provider].user.email = email;
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider, scope, state, access_type: 'offline' });
    const done = await new Browser().run(`${h.base}/v3/connect/auth?${q}`);
    const p = paramsOf(done.url);
    const code = p.get('code');
    if (code === null) return { redirect: p, token: undefined };
    const res = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: APP_CALLBACK, grant_type: 'authorization_code', code }),
    });
    assert.equal(res.status, 200);
    return { redirect: p, token: (await res.json()) as Record<string, string> };
  }

  async function native(email: string, scopes = 'email.read_only'): Promise<{ status: number; body: Record<string, unknown> }> {
    const post = (path: string, body: unknown) =>
      fetch(`${h.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const auth = await post('/connect/authorize', { client_id: APP_ID, email_address: email, provider: 'sandbox', settings: { password: 'sandbox' }, scopes });
    assert.equal(auth.status, 200);
    const code = ((await auth.json()) as { code: string }).code;
    const tok = await post('/connect/token', { client_id: APP_ID, client_secret: APP_SECRET, code });
    return { status: tok.status, body: (await tok.json()) as Record<string, unknown> };
  }

  const status = async (path: string, token: string) => (await fetch(`${h.base}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('a native sandbox sign-in as X@example.com never takes over the hosted x@example.com grant (v2 403 api_error)', async () => {
    const victim = await hosted('google', 'x@example.com', GMAIL_READ);
    const grantId = victim.token!['grant_id']!;
    const before = await h.kit.store.getGrant(grantId);
    const attack = await native('X@example.com', 'email.modify');
    assert.equal(attack.status, 403);
    assert.equal(attack.body['type'], 'api_error');
    assert.match(String(attack.body['message']), REFUSED);
    assert.deepEqual(await h.kit.store.getGrant(grantId), before, 'the grant is untouched');
    assert.equal(await status('/bodies', victim.token!['access_token']!), 200, "the victim's token still reads the victim's mailbox");
    assert.equal(await status('/modify', victim.token!['access_token']!), 403, 'and was not widened');
  });

  it('an unverified custom sign-in is refused on /v3/connect/custom with grant.reauth_email_invalid', async () => {
    const victim = await hosted('google', 'cy@example.com', GMAIL_READ);
    const before = await h.kit.store.getGrant(victim.token!['grant_id']!);
    const res = await fetch(`${h.base}/v3/connect/custom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ provider: 'sandbox', settings: { email: 'Cy@Example.com', password: 'sandbox' } }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'grant.reauth_email_invalid');
    assert.match(body.error.message, REFUSED);
    assert.deepEqual(await h.kit.store.getGrant(victim.token!['grant_id']!), before);
  });

  it('a hosted sign-in by another account claiming the address is refused with access_denied and the state', async () => {
    const victim = await hosted('google', 'dee@example.com', GMAIL_READ);
    const before = await h.kit.store.getGrant(victim.token!['grant_id']!);
    // Another Google account (another `sub`) that reports the same address, without vouching for it.
    h.google.user.subject = 'someone-else';
    h.google.user.emailVerified = false;
    const attack = await hosted('google', 'dee@example.com', `${GMAIL_READ} ${GMAIL_MODIFY}`, 'st-attack');
    assert.equal(attack.token, undefined);
    assert.equal(attack.redirect.get('error'), 'access_denied');
    assert.equal(attack.redirect.get('state'), 'st-attack');
    assert.match(attack.redirect.get('error_description') ?? '', REFUSED);
    assert.deepEqual(await h.kit.store.getGrant(victim.token!['grant_id']!), before);
  });

  it('a verified identity of another provider does not displace a verified grant', async () => {
    const first = await hosted('google', 'eve@example.com', GMAIL_READ);
    assert.equal(first.redirect.get('error'), null);
    const other = await hosted('microsoft', 'eve@example.com', 'Mail.Read', 'st-ms');
    assert.equal(other.redirect.get('error'), 'access_denied');
    assert.equal(other.redirect.get('state'), 'st-ms');
    assert.equal((await h.kit.store.getGrant(first.token!['grant_id']!))?.provider, 'google');
  });

  it('a verified sign-in replaces an unverified grant: same id, earlier tokens revoked, grant.updated marks re-authentication, the new identity recorded', async () => {
    const seen: GrantEvent[] = [];
    const off = h.kit.events.on('*', (e) => void seen.push(e));
    try {
      const sandbox = await native('fay@example.com');
      assert.equal(sandbox.status, 200);
      const oldToken = String(sandbox.body['access_token']);
      assert.equal(await status('/bodies', oldToken), 200);
      const google = await hosted('google', 'Fay@Example.com', GMAIL_READ);
      assert.equal(google.token!['grant_id'], sandbox.body['account_id'], 'the id is kept');
      assert.equal(await status('/bodies', oldToken), 401, 'what the unverified sign-in was given stops working');
      assert.equal(await status('/bodies', google.token!['access_token']!), 200);
      const grant = await h.kit.store.getGrant(google.token!['grant_id']!);
      assert.equal(grant?.provider, 'google');
      assert.equal(grant?.identity?.strength, 'verified');
      assert.equal(grant?.identity?.method, 'oauth');
      const updated = seen.filter((e) => e.type === 'grant.updated' && e.object.grant_id === grant?.id);
      assert.equal(updated.length, 1);
      assert.equal(updated[0]!.object.reauthentication_flag, true);
    } finally {
      off();
    }
  });

  it('the same identity re-authenticates: the id is kept and a second device is not signed out', async () => {
    h.google.user.subject = 'gus-google-account';
    const one = await hosted('google', 'gus@example.com', GMAIL_READ);
    const two = await hosted('google', 'GUS@example.com', GMAIL_READ);
    assert.equal(two.token!['grant_id'], one.token!['grant_id']);
    assert.equal(await status('/bodies', one.token!['access_token']!), 200);
    assert.equal(await status('/bodies', two.token!['access_token']!), 200);
  });

  it('a token keeps the scopes it was issued with: a re-authentication that widens the grant never widens an older token or its refresh chain', async () => {
    const narrow = await hosted('google', 'hal@example.com', GMAIL_READ);
    const wide = await hosted('google', 'hal@example.com', `${GMAIL_READ} ${GMAIL_MODIFY}`);
    assert.equal(wide.token!['grant_id'], narrow.token!['grant_id']);
    assert.equal(await status('/modify', wide.token!['access_token']!), 200);
    assert.equal(await status('/modify', narrow.token!['access_token']!), 403, 'the older token is not widened');
    assert.equal(await status('/bodies', narrow.token!['access_token']!), 200);
    const refreshed = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'refresh_token', refresh_token: narrow.token!['refresh_token'] }),
    });
    const r = (await refreshed.json()) as Record<string, string>;
    assert.equal(r['scope'], GMAIL_READ);
    assert.equal(await status('/modify', r['access_token']!), 403, 'nor is its refresh chain');
    // Narrowing the grant narrows every token: the intersection with the grant's current scopes.
    const patch = await fetch(`${h.base}/v3/grants/${wide.token!['grant_id']}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ scope: [GMAIL_READ] }),
    });
    assert.equal(patch.status, 200);
    assert.equal(await status('/modify', wide.token!['access_token']!), 403);
  });

  it('a grant stored with no recorded proof counts as unverified: its own sign-in re-authenticates it and records one; a verified one replaces it', async () => {
    const now = Date.now();
    const legacy = (id: string, email: string) => ({
      id,
      clientId: APP_ID,
      provider: 'sandbox',
      email,
      name: '',
      scopes: ['email.read_only'],
      status: 'valid' as const,
      settings: null,
      createdAt: now,
      updatedAt: now,
    });
    const legacyToken = async (grantId: string) => {
      const token = newSecret(TOKEN_PREFIX.access);
      await h.kit.store.putToken({ hash: hashSecret(token), kind: 'access', clientId: APP_ID, grantId, family: null, createdAt: now, expiresAt: null, data: null });
      return token;
    };
    await h.kit.store.putGrant(legacy('legacy-ida', 'ida@example.com'));
    const idaToken = await legacyToken('legacy-ida');
    const again = await native('ida@example.com');
    assert.equal(again.status, 200);
    assert.equal(again.body['account_id'], 'legacy-ida');
    assert.equal(await status('/bodies', idaToken), 200, 'the same sign-in does not sign the old token out');
    assert.deepEqual((await h.kit.store.getGrant('legacy-ida'))?.identity, { subject: 'sandbox|email:ida@example.com', strength: 'unverified', method: 'sandbox' });

    await h.kit.store.putGrant(legacy('legacy-jo', 'jo@example.com'));
    const joToken = await legacyToken('legacy-jo');
    const google = await hosted('google', 'jo@example.com', GMAIL_READ);
    assert.equal(google.token!['grant_id'], 'legacy-jo');
    assert.equal(await status('/bodies', joToken), 401);
    assert.equal((await h.kit.store.getGrant('legacy-jo'))?.identity?.strength, 'verified');
  });
});

describe('IMAP sign-ins: the Yahoo takeover and login names', () => {
  let imap: { port: number; close(): Promise<void> };
  before(async () => {
    imap = await startImap({
      'victim@yahoo.com': { password: 'victim-password' },
      'attacker@yahoo.com': { password: 'attacker-password' },
    });
  });
  after(() => imap.close());

  const loopbackYahoo = () =>
    passwordProvider('yahoo', {
      preset: { imap: { host: '127.0.0.1', port: imap.port }, smtp: { host: '127.0.0.1', port: 2525 }, sslRequired: false },
      timeoutMs: 5000,
    });

  it("a Yahoo login with the attacker's own username and password, posting the victim's address, never gets the victim's grant", async () => {
    const { kit } = makeKit({ providers: [loopbackYahoo()] });
    const app = makeApp(kit);
    const victim = await connect(app, 'yahoo', 'victim@yahoo.com', { password: 'victim-password' });
    assert.equal(victim.status, 200);
    assert.equal((await kit.store.getGrant(victim.grantId!))?.identity?.strength, 'verified', 'its own login on its own preset server');
    const attack = await connect(app, 'yahoo', 'victim@yahoo.com', { username: 'attacker@yahoo.com', password: 'attacker-password' }, 'email.modify');
    assert.equal(attack.status, 403);
    assert.equal(attack.body['type'], 'api_error');
    assert.match(String(attack.body['message']), REFUSED);
    assert.equal(attack.body['account_id'], undefined);
    const s = await kit.providerSettings(victim.grantId!);
    assert.equal(s.imap.auth.user, 'victim@yahoo.com', "the victim's grant still reads the victim's mailbox");
    const messages = await request(app).get('/messages').set('authorization', `Bearer ${victim.token}`);
    assert.equal(messages.status, 200, "the victim's token still works");
  });

  it('an IMAP login name that is another address than email_address is refused (400) on a server the user typed in', async () => {
    const { kit, store } = makeKit({ providers: [imapProvider({ allowPrivateHosts: true, timeoutMs: 5000 })] });
    const res = await connect(makeApp(kit), 'imap', 'victim@example.com', {
      imap_host: '127.0.0.1',
      imap_port: imap.port,
      imap_username: 'attacker@yahoo.com',
      imap_password: 'attacker-password',
      ssl_required: false,
    });
    assert.equal(res.status, 400);
    assert.equal(res.body['type'], 'invalid_request_error');
    assert.match(String(res.body['message']), /login name/);
    assert.equal((await store.listGrants({})).length, 0);
  });

  it("on the preset server of the address's domain a different login name is accepted (aliases), as an unverified proof", async () => {
    const { kit } = makeKit({ providers: [loopbackYahoo()] });
    const res = await connect(makeApp(kit), 'yahoo', 'alias@yahoo.com', { username: 'attacker@yahoo.com', password: 'attacker-password' });
    assert.equal(res.status, 200);
    assert.equal((await kit.store.getGrant(res.grantId!))?.identity?.strength, 'unverified');
  });
});
