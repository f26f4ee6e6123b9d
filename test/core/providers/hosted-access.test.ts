import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { grantkit } from '../../../adapters/express/index.js';
import { startSandboxOAuthServer, type SandboxOAuthServer } from '../../../examples/shared/sandbox-oauth.js';
import type { GrantKit, MemoryStore } from '../../../src/index.js';
import { Browser, paramsOf, sandboxSignIn } from '../../support/oauth-harness.js';
import { CLIENT_ID, CLIENT_SECRET, makeKit, type TestClock } from '../../support/helpers.js';

/**
 * Provider access for grants made by hosted OAuth, end to end: the user signs in at the sandbox
 * provider (standing in for Google, and as a generic oauth2 provider), and the app's backend then
 * asks grantkit for a provider token. A hosted v2 grant is a `gmail` grant of the `google`
 * connector, and an oauth2 grant is an `oauth2` grant: ProviderAccess must find the connector by
 * the id recorded at sign-in, not by the grant's provider name.
 */
const HOUR = 3600 * 1000;
const APP_CALLBACK = 'http://127.0.0.1:9/callback';
const UPSTREAM = { id: 'upstream-client', secret: 'upstream-secret' } as const;

describe('provider access for hosted OAuth grants (connector found by the id recorded at sign-in)', () => {
  let sandbox: SandboxOAuthServer;
  let server: Server;
  let base: string;
  let kit: GrantKit;
  let clock: TestClock;
  let store: MemoryStore;

  before(async () => {
    const app = express();
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A provider that checks its client and callback URLs as Google would.
    sandbox = await startSandboxOAuthServer({
      clients: [{ id: UPSTREAM.id, secret: UPSTREAM.secret, redirectUris: [`${base}/oauth/callback/google`, `${base}/oauth/callback/oauth2`] }],
    });
    ({ kit, clock, store } = makeKit({
      clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, callbackUris: [APP_CALLBACK] }],
      hostedOAuth: { publicUrl: base },
    }));
    const endpoints = { authorizationUrl: sandbox.authorizationUrl, tokenUrl: sandbox.tokenUrl, userinfoUrl: sandbox.userinfoUrl };
    await kit.connectors.create({ provider: 'google', clientId: UPSTREAM.id, clientSecret: UPSTREAM.secret, endpoints });
    await kit.connectors.create({ provider: 'oauth2', clientId: UPSTREAM.id, clientSecret: UPSTREAM.secret, endpoints });
    app.use(grantkit(kit).routes());
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await sandbox.close();
    await kit.close();
  });

  /** The provider token is real: the sandbox's userinfo endpoint accepts it. */
  async function emailOf(accessToken: string): Promise<string | undefined> {
    const res = await fetch(sandbox.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    return ((await res.json()) as { email?: string }).email;
  }

  async function v2GmailGrant(email: string): Promise<string> {
    const q = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'gmail', scopes: 'email.read_only' });
    const code = (await sandboxSignIn(new Browser(), `${base}/oauth/authorize?${q}`, email)).get('code');
    assert.ok(code);
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code }),
    });
    const body = (await res.json()) as { account_id: string; provider: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.provider, 'gmail');
    return body.account_id;
  }

  it('a v2 `gmail` grant of the google connector: the sign-in token, then one refresh through the connector', async () => {
    const grantId = await v2GmailGrant('gmail-user@example.com');
    const before = sandbox.stats().refresh;
    const first = await kit.providerAccessToken(grantId);
    assert.equal(await emailOf(first.accessToken), 'gmail-user@example.com');
    assert.equal(sandbox.stats().refresh, before, 'the token from the sign-in is used while fresh');
    clock.advance(HOUR);
    const fresh = await kit.providerAccessToken(grantId);
    assert.notEqual(fresh.accessToken, first.accessToken);
    assert.equal(sandbox.stats().refresh - before, 1);
    assert.equal(await emailOf(fresh.accessToken), 'gmail-user@example.com');
  });

  it('a v3 `oauth2` grant: refreshed at the oauth2 connector\'s token URL', async () => {
    const q = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'oauth2', scope: 'email.read_only' });
    const code = (await sandboxSignIn(new Browser(), `${base}/v3/connect/auth?${q}`, 'sso-user@example.com')).get('code');
    assert.ok(code);
    const res = await fetch(`${base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: APP_CALLBACK, grant_type: 'authorization_code', code }),
    });
    const body = (await res.json()) as { grant_id: string; provider: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.provider, 'oauth2');
    clock.advance(HOUR);
    const before = sandbox.stats().refresh;
    const token = await kit.providerAccessToken(body.grant_id);
    assert.equal(sandbox.stats().refresh - before, 1);
    assert.equal(await emailOf(token.accessToken), 'sso-user@example.com');
  });

  /** A refresh token for the google connector's client, straight from the sandbox (no grantkit flow). */
  async function sandboxRefreshToken(email: string): Promise<string> {
    const redirectUri = `${base}/oauth/callback/google`;
    const form = new URLSearchParams({ response_type: 'code', client_id: UPSTREAM.id, redirect_uri: redirectUri, scope: 'openid email', email, password: 'sandbox' });
    const login = await fetch(sandbox.authorizationUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    const code = paramsOf(login.headers.get('location') ?? 'http://invalid/').get('code');
    assert.ok(code);
    const res = await fetch(sandbox.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: UPSTREAM.id, client_secret: UPSTREAM.secret }).toString(),
    });
    return ((await res.json()) as { refresh_token: string }).refresh_token;
  }

  it('a `gmail` grant without a recorded connector (made before the id was kept) goes to the google connector', async () => {
    const rt = await sandboxRefreshToken('legacy@example.com');
    const now = kit.now();
    const id = 'legacy-gmail-grant';
    await store.putGrant({
      id,
      clientId: CLIENT_ID,
      provider: 'gmail',
      email: 'legacy@example.com',
      name: '',
      scopes: ['email.read_only'],
      status: 'valid',
      settings: kit.keyring.seal(JSON.stringify({ refresh_token: rt, $grantkit: { verified: true } }), id),
      createdAt: now,
      updatedAt: now,
    });
    const token = await kit.providerAccessToken(id);
    assert.equal(await emailOf(token.accessToken), 'legacy@example.com');
  });
  it('the recorded connector is gone (deleted, made again): the new connector\'s client is never sent the refresh token', async () => {
    const grantId = await v2GmailGrant('recreated@example.com');
    const google = await kit.connectors.get('google');
    assert.ok(google);
    await kit.connectors.delete('google');
    await kit.connectors.create({
      provider: 'google',
      clientId: 'another-client',
      clientSecret: 'another-secret',
      endpoints: { authorizationUrl: sandbox.authorizationUrl, tokenUrl: sandbox.tokenUrl, userinfoUrl: sandbox.userinfoUrl },
    });
    clock.advance(HOUR);
    const before = sandbox.stats().token;
    // Deleting the connector made the grant invalid; either way nothing may reach the new client.
    await assert.rejects(kit.providerAccessToken(grantId), (e: { status?: number }) => e.status === 400 || e.status === 401);
    assert.equal((await kit.store.getGrant(grantId))?.status, 'invalid');
    assert.equal(sandbox.stats().token, before, 'no call to the provider');
  });

});
