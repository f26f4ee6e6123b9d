import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { startExample, type RunningExample } from '../../support/example-app.js';

/**
 * openid-client 6, unmodified, against the example's hosted flow through its sandbox provider: it
 * configures itself from the issuer (the public URL) alone, then authorization code with PKCE and
 * state, refresh, userinfo, introspection and revocation, each response validated as the library
 * does (the id_token's issuer and audience, the `iss` of the authorization response).
 */
describe('openid-client 6 against the example', () => {
  let ex: RunningExample;
  before(async () => {
    ex = await startExample();
  });
  after(() => ex.close());

  /** The configuration an app gets from the issuer; client_secret_basic unless told otherwise. */
  function discover(auth: oidc.ClientAuth = oidc.ClientSecretBasic(ex.clientSecret)): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(ex.base), ex.clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  }

  /** Authorization code with PKCE through the sandbox: the URL the app's callback received, and the checks to pass. */
  async function authorize(config: oidc.Configuration, scope = 'openid email offline_access'): Promise<{ callback: URL; checks: oidc.AuthorizationCodeGrantChecks }> {
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const expectedState = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: ex.callback,
      scope,
      state: expectedState,
      code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      // Which of grantkit's providers to sign in with, rather than the picker: the sandbox's connector.
      provider: 'oauth2',
    });
    return { callback: new URL(await ex.signIn(url.href)), checks: { pkceCodeVerifier, expectedState, idTokenExpected: true } };
  }

  it('discovers grantkit from its issuer', async () => {
    const meta = (await discover()).serverMetadata();
    assert.equal(meta.issuer, ex.base);
    assert.equal(meta.token_endpoint, `${ex.base}/v3/connect/token`);
    assert.equal(meta.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
  });

  it('code with PKCE, userinfo, refresh, introspection, revocation', async () => {
    const config = await discover();
    const { callback, checks } = await authorize(config);
    assert.equal(callback.searchParams.get('iss'), ex.base);
    const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
    const claims = tokens.claims()!;
    assert.equal(claims.iss, ex.base);
    assert.equal(claims.aud, ex.clientId);
    assert.equal(claims['email'], 'ada@example.com');
    assert.match(tokens.access_token, /^gk_at_/);
    assert.ok(tokens.refresh_token, 'offline_access asks for a refresh token');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.sub, claims.sub);
    assert.equal(info.email, 'ada@example.com');
    assert.equal(info.email_verified, true, 'the sandbox provider vouches for the address, and the grant recorded it');

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal(refreshed.claims()?.sub, claims.sub);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);

    const live = await oidc.tokenIntrospection(config, refreshed.access_token);
    assert.equal(live.active, true);
    assert.equal(live.sub, claims.sub);
    assert.equal(live.client_id, ex.clientId);

    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    assert.equal((await oidc.tokenIntrospection(config, refreshed.access_token)).active, false, 'its access token went with it');
    await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token!), (e: unknown) => e instanceof oidc.ResponseBodyError && e.error === 'invalid_grant');
  });

  it('client_secret_post works too', async () => {
    const config = await discover(oidc.ClientSecretPost(ex.clientSecret));
    const { callback, checks } = await authorize(config, 'openid email');
    const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
    assert.equal(tokens.refresh_token, undefined, 'no offline_access, no refresh token');
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true);
  });

  it('a replayed code is invalid_grant', async () => {
    const config = await discover();
    const { callback, checks } = await authorize(config);
    await oidc.authorizationCodeGrant(config, callback, checks);
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, checks), (e: unknown) => {
      assert.ok(e instanceof oidc.ResponseBodyError, String(e));
      assert.deepEqual([e.status, e.error], [400, 'invalid_grant']);
      return true;
    });
  });

  it('a wrong secret is invalid_client, 401 with the Basic challenge when Basic was used', async () => {
    const good = await discover();
    const basic = await discover(oidc.ClientSecretBasic('wrong-secret'));
    const { callback, checks } = await authorize(good);
    const e = await oidc.authorizationCodeGrant(basic, callback, checks).then(
      () => assert.fail('a wrong secret was accepted'),
      (err: unknown) => err,
    );
    // oauth4webapi surfaces a 401 challenge as such, with the response it came with.
    assert.ok(e instanceof oidc.WWWAuthenticateChallengeError, String(e));
    assert.equal(e.status, 401);
    assert.deepEqual(e.cause.map((c) => [c.scheme, c.parameters.realm]), [['basic', 'grantkit']]);
    assert.equal(((await e.response.json()) as { error: string }).error, 'invalid_client');
    const post = await discover(oidc.ClientSecretPost('wrong-secret'));
    const again = await authorize(good);
    await assert.rejects(oidc.authorizationCodeGrant(post, again.callback, again.checks), (e: unknown) => {
      assert.ok(e instanceof oidc.ResponseBodyError, String(e));
      assert.deepEqual([e.status, e.error, e.response.headers.get('www-authenticate')], [401, 'invalid_client', null]);
      return true;
    });
  });
});
