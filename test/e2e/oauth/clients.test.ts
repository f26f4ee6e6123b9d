import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import NylasDefault from 'nylas';
import type * as NylasTypes from 'nylas';
import Nylas6 from 'nylas6';
import * as oidc from 'openid-client';
import { APP_CALLBACK, APP_ID, SPA_CALLBACK, SPA_ID, paramsOf, startHarness, type Harness, APP_SECRET } from '../../support/oauth-harness.js';

/** `import Nylas from 'nylas'` is the class at run time; its types are read as the module namespace. */
const Nylas = NylasDefault as unknown as typeof NylasTypes.default.default;
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';

describe('real clients complete hosted OAuth against grantkit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('the v8 SDK: auth.urlForOAuth2PKCE, exchangeCodeForToken (API key as client_secret), refreshAccessToken', async () => {
    const { key } = await h.kit.apiKeys.create({ clientId: APP_ID });
    const nylas = new Nylas({ apiKey: key, apiUri: h.base, timeout: 10 });
    const { url, secret } = nylas.auth.urlForOAuth2PKCE({
      clientId: APP_ID,
      redirectUri: APP_CALLBACK,
      provider: 'google',
      scope: [GMAIL_READ],
      accessType: 'offline',
      state: 'sdk8',
    });
    const done = await h.browser.run(url);
    const p = paramsOf(done.url);
    assert.equal(p.get('state'), 'sdk8');
    const tokens = await nylas.auth.exchangeCodeForToken({ clientId: APP_ID, redirectUri: APP_CALLBACK, code: String(p.get('code')), codeVerifier: secret });
    assert.match(tokens.accessToken, /^gk_at_/);
    assert.equal(tokens.email, 'ada@example.com');
    assert.equal(tokens.scope, GMAIL_READ);
    assert.ok(tokens.refreshToken);
    const refreshed = await nylas.auth.refreshAccessToken({ clientId: APP_ID, redirectUri: APP_CALLBACK, refreshToken: tokens.refreshToken });
    assert.equal(refreshed.grantId, tokens.grantId);
    assert.notEqual(refreshed.refreshToken, tokens.refreshToken);
    // Reuse of the first refresh token: the SDK surfaces the OAuth error.
    await assert.rejects(
      nylas.auth.refreshAccessToken({ clientId: APP_ID, redirectUri: APP_CALLBACK, refreshToken: tokens.refreshToken }),
      (e: Error & { error?: string }) => e.error === 'invalid_grant',
    );
  });

  it('the v6 SDK: urlForAuthentication and exchangeCodeForToken (GET /oauth/token)', async () => {
    Nylas6.config({ clientId: APP_ID, clientSecret: APP_SECRET, apiServer: h.base });
    const url = Nylas6.urlForAuthentication({ redirectURI: APP_CALLBACK, scopes: ['email.read_only'], provider: 'gmail', state: 'sdk6' });
    const done = await h.browser.run(url);
    const p = paramsOf(done.url);
    assert.equal(p.get('state'), 'sdk6');
    const token = await Nylas6.exchangeCodeForToken(String(p.get('code')));
    assert.match(String(token.accessToken), /^gk_at_/);
    assert.equal(token.emailAddress, 'ada@example.com');
    assert.equal(token.provider, 'gmail');
  });

  it('openid-client completes an S256 PKCE flow against /v3/connect/*, validating the id_token', async () => {
    const config = new oidc.Configuration(
      {
        issuer: h.base,
        authorization_endpoint: `${h.base}/v3/connect/auth`,
        token_endpoint: `${h.base}/v3/connect/token`,
        jwks_uri: `${h.base}/.well-known/jwks.json`,
      },
      SPA_ID,
      undefined,
      oidc.None(),
    );
    oidc.allowInsecureRequests(config);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: SPA_CALLBACK,
      scope: GMAIL_READ,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      provider: 'google',
    });
    const done = await h.browser.run(url.href);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: state });
    assert.match(tokens.access_token, /^gk_at_/);
    const claims = tokens.claims();
    assert.equal(claims?.aud, SPA_ID);
    assert.equal(claims?.['email'], 'ada@example.com');
    assert.equal(claims?.sub, (tokens as unknown as Record<string, unknown>)['grant_id']);
  });
});
