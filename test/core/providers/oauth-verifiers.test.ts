import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { SandboxOAuthServer } from '../../../examples/shared/sandbox-oauth.js';
import { googleProvider, microsoftProvider, ProviderAuthError, ProviderUnavailableError } from '../../../src/index.js';
import { CLIENT_ID, makeApp, makeKit } from '../../support/helpers.js';
import { connect, obtainRefreshToken, startProvider, UPSTREAM_CLIENT } from '../../support/providers.js';

describe('Google and Microsoft verifiers against a real token endpoint on loopback', () => {
  let google: SandboxOAuthServer;
  let microsoft: SandboxOAuthServer;

  before(async () => {
    google = await startProvider();
    // Microsoft rotates refresh tokens; the sandbox does too when asked.
    microsoft = await startProvider({ rotateRefreshTokens: true });
  });
  after(async () => {
    await google.close();
    await microsoft.close();
  });

  it('gmail (v2): a good refresh token verifies, and only what a refresh needs is kept', async () => {
    const rt = await obtainRefreshToken(google, 'ada@example.com');
    const p = googleProvider({ tokenUrl: google.tokenUrl });
    const before = google.stats().refresh;
    const v = await p.verify({
      email: 'ada@example.com',
      name: 'Ada',
      settings: { google_client_id: UPSTREAM_CLIENT.id, google_client_secret: UPSTREAM_CLIENT.secret, google_refresh_token: rt, junk: 'x' },
    });
    assert.equal(google.stats().refresh - before, 1);
    assert.equal(v.email, 'ada@example.com');
    assert.deepEqual(v.settings, { google_client_id: UPSTREAM_CLIENT.id, google_client_secret: UPSTREAM_CLIENT.secret, google_refresh_token: rt });
  });

  it('google (v3): refresh_token with the configured (connector) client', async () => {
    const rt = await obtainRefreshToken(google, 'ada@example.com');
    const p = googleProvider({ name: 'google', tokenUrl: google.tokenUrl, clientId: UPSTREAM_CLIENT.id, clientSecret: UPSTREAM_CLIENT.secret });
    const v = await p.verify({ email: 'ada@example.com', name: '', settings: { refresh_token: rt } });
    assert.deepEqual(v.settings, { refresh_token: rt });
    await assert.rejects(
      googleProvider({ name: 'google', tokenUrl: google.tokenUrl, clientId: UPSTREAM_CLIENT.id, clientSecret: 'wrong' }).verify({
        email: 'ada@example.com',
        name: '',
        settings: { refresh_token: rt },
      }),
      ProviderAuthError,
    );
  });

  it('an unknown or revoked refresh token is a ProviderAuthError (invalid_grant)', async () => {
    const p = googleProvider({ tokenUrl: google.tokenUrl });
    await assert.rejects(
      p.verify({
        email: 'ada@example.com',
        name: '',
        settings: { google_client_id: UPSTREAM_CLIENT.id, google_client_secret: UPSTREAM_CLIENT.secret, google_refresh_token: 'sbx_rt_nope' },
      }),
      (e: unknown) => e instanceof ProviderAuthError && e.constructor.name === 'InvalidRefreshTokenError',
    );
  });

  it('office365 (v2): verifies, keeps redirect_uri, and keeps the rotated refresh token', async () => {
    const rt = await obtainRefreshToken(microsoft, 'grace@example.com', 'offline_access Mail.Read');
    const p = microsoftProvider({ tokenUrl: microsoft.tokenUrl });
    const v = await p.verify({
      email: 'grace@example.com',
      name: 'Grace',
      settings: {
        microsoft_client_id: UPSTREAM_CLIENT.id,
        microsoft_client_secret: UPSTREAM_CLIENT.secret,
        microsoft_refresh_token: rt,
        redirect_uri: 'http://127.0.0.1:9/callback',
      },
    });
    const kept = v.settings['microsoft_refresh_token'];
    assert.equal(typeof kept, 'string');
    assert.notEqual(kept, rt, 'the rotated refresh token replaces the used one');
    assert.equal(v.settings['redirect_uri'], 'http://127.0.0.1:9/callback');
    // The old one is dead at a rotating provider; the kept one works.
    await assert.rejects(
      p.verify({ email: 'grace@example.com', name: '', settings: { microsoft_client_id: UPSTREAM_CLIENT.id, microsoft_client_secret: UPSTREAM_CLIENT.secret, microsoft_refresh_token: rt } }),
      ProviderAuthError,
    );
    await p.verify({ email: 'grace@example.com', name: '', settings: v.settings });
  });

  it('the default Microsoft token URL carries the tenant', async () => {
    const p = microsoftProvider({ name: 'microsoft', tenant: 'contoso.onmicrosoft.com', clientId: 'c' });
    const req = p.refreshRequest({ refresh_token: 'r' });
    assert.equal(req?.tokenUrl, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
  });

  it('a token endpoint that cannot be reached is a ProviderUnavailableError, not an auth failure', async () => {
    const gone = await startProvider();
    const url = gone.tokenUrl;
    await gone.close();
    const p = googleProvider({ tokenUrl: url, timeoutMs: 2000 });
    await assert.rejects(
      p.verify({ email: 'a@example.com', name: '', settings: { google_client_id: 'c', google_client_secret: 's', google_refresh_token: 'r' } }),
      (e: unknown) => e instanceof ProviderUnavailableError && !(e instanceof ProviderAuthError),
    );
  });

  describe('through POST /connect/authorize', () => {
    it('an invalid refresh token → 401 in the v2 body, and nothing is stored', async () => {
      const { kit, store } = makeKit({ providers: [googleProvider({ tokenUrl: google.tokenUrl })] });
      const app = makeApp(kit);
      const res = await connect(app, 'gmail', 'ada@example.com', {
        google_client_id: UPSTREAM_CLIENT.id,
        google_client_secret: UPSTREAM_CLIENT.secret,
        google_refresh_token: 'sbx_rt_forged',
      });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { message: 'The provider did not accept these credentials.', type: 'api_error' });
      assert.equal((await store.listGrants({})).length, 0);
      assert.equal((await store.listTokens({ kind: 'code' })).length, 0);
    });

    it('a missing setting → 400 naming it', async () => {
      const { kit } = makeKit({ providers: [googleProvider({ tokenUrl: google.tokenUrl })] });
      const res = await request(makeApp(kit))
        .post('/connect/authorize')
        .send({ client_id: CLIENT_ID, email_address: 'ada@example.com', provider: 'gmail', settings: { google_refresh_token: 'x' } });
      assert.equal(res.status, 400);
      assert.match(res.body.message, /google_client_id/);
    });

    it('the provider unreachable → 502, nothing stored', async () => {
      const gone = await startProvider();
      const url = gone.tokenUrl;
      await gone.close();
      const { kit, store } = makeKit({ providers: [googleProvider({ tokenUrl: url, timeoutMs: 2000 })] });
      const res = await connect(makeApp(kit), 'gmail', 'ada@example.com', { google_client_id: 'c', google_client_secret: 's', google_refresh_token: 'r' });
      assert.equal(res.status, 502);
      assert.equal((await store.listGrants({})).length, 0);
    });

    it('a good refresh token → a gmail grant whose response holds no provider secret', async () => {
      const rt = await obtainRefreshToken(google, 'ada@example.com');
      const { kit, store } = makeKit({ providers: [googleProvider({ tokenUrl: google.tokenUrl })] });
      const res = await connect(makeApp(kit), 'gmail', 'ada@example.com', {
        google_client_id: UPSTREAM_CLIENT.id,
        google_client_secret: UPSTREAM_CLIENT.secret,
        google_refresh_token: rt,
      });
      assert.equal(res.status, 200);
      assert.equal(res.body['organization_unit'], 'label');
      const text = JSON.stringify(res.body) + JSON.stringify(store.dump());
      assert.ok(!text.includes(rt), 'the refresh token is sealed at rest and never returned');
      assert.ok(!text.includes(UPSTREAM_CLIENT.secret));
    });
  });
});
