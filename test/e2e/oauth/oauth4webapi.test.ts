import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { startExample, type RunningExample } from '../../support/example-app.js';

/**
 * oauth4webapi 3, unmodified, against the example's hosted flow through its sandbox provider. It
 * validates every response strictly: the discovery document's issuer, the authorization response's
 * `iss` (RFC 9207) and state, the token response and its id_token (issuer, audience, times, nonce),
 * the userinfo subject, the introspection and revocation answers.
 */
describe('oauth4webapi 3 against the example', () => {
  let ex: RunningExample;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  const http = { [oauth.allowInsecureRequests]: true } as const;

  before(async () => {
    ex = await startExample();
    const issuer = new URL(ex.base);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...http }));
    client = { client_id: ex.clientId };
  });
  after(() => ex.close());

  /** Authorization code with PKCE, state and nonce: the callback's parameters once validated, and what to check next. */
  async function authorize(scope = 'openid email offline_access'): Promise<{ callback: URL; state: string; nonce: string; verifier: string }> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    const params = { client_id: ex.clientId, redirect_uri: ex.callback, response_type: 'code', scope, state, nonce, provider: 'oauth2' };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    return { callback: new URL(await ex.signIn(url.href)), state, nonce, verifier };
  }

  async function redeem(auth: oauth.ClientAuth, a: { callback: URL; state: string; nonce: string; verifier: string }): Promise<oauth.TokenEndpointResponse> {
    const params = oauth.validateAuthResponse(as, client, a.callback, a.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, ex.callback, a.verifier, http);
    return oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: a.nonce, requireIdToken: true });
  }

  it('the discovery document validates against the issuer, and names every endpoint', () => {
    assert.equal(as.issuer, ex.base);
    for (const e of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'revocation_endpoint', 'introspection_endpoint'] as const) {
      assert.ok(as[e]?.startsWith(`${ex.base}/`), e);
    }
  });

  it('code with PKCE and nonce, userinfo, refresh, introspection, revocation', async () => {
    const auth = oauth.ClientSecretBasic(ex.clientSecret);
    const tokens = await redeem(auth, await authorize());
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    assert.equal(claims.iss, ex.base);
    assert.equal(claims['email'], 'ada@example.com');
    assert.equal(tokens.token_type, 'bearer');

    const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, http));
    assert.equal(info.email, 'ada@example.com');

    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, http));
    assert.equal(oauth.getValidatedIdTokenClaims(refreshed)?.sub, claims.sub);

    const introspected = async (token: string): Promise<oauth.IntrospectionResponse> =>
      oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token, http));
    const live = await introspected(refreshed.access_token);
    assert.deepEqual([live.active, live.token_type, live.client_id, live.sub], [true, 'Bearer', ex.clientId, claims.sub]);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.access_token, http));
    assert.equal((await introspected(refreshed.access_token)).active, false);
    assert.equal((await introspected(refreshed.refresh_token!)).active, false, 'the chain went with it');
  });

  it('the authorization response must carry the issuer: a response from another is refused', async () => {
    const a = await authorize();
    assert.equal(a.callback.searchParams.get('iss'), ex.base);
    const forged = new URL(a.callback);
    forged.searchParams.set('iss', 'https://elsewhere.example');
    assert.throws(() => oauth.validateAuthResponse(as, client, forged, a.state), (e: unknown) => e instanceof oauth.OperationProcessingError);
    const missing = new URL(a.callback);
    missing.searchParams.delete('iss');
    assert.throws(() => oauth.validateAuthResponse(as, client, missing, a.state), (e: unknown) => e instanceof oauth.OperationProcessingError);
  });

  it('a replayed code is invalid_grant', async () => {
    const auth = oauth.ClientSecretPost(ex.clientSecret);
    const a = await authorize();
    await redeem(auth, a);
    await assert.rejects(redeem(auth, a), (e: unknown) => {
      assert.ok(e instanceof oauth.ResponseBodyError, String(e));
      assert.deepEqual([e.status, e.error], [400, 'invalid_grant']);
      return true;
    });
  });

  it('a wrong secret is invalid_client with 401, and the Basic challenge when Basic was used', async () => {
    const basic = await redeem(oauth.ClientSecretBasic('wrong-secret'), await authorize()).then(
      () => assert.fail('a wrong secret was accepted'),
      (e: unknown) => e,
    );
    assert.ok(basic instanceof oauth.WWWAuthenticateChallengeError, String(basic));
    assert.equal(basic.status, 401);
    assert.deepEqual(basic.cause.map((c) => c.scheme), ['basic']);
    assert.equal(((await basic.response.json()) as { error: string }).error, 'invalid_client');

    await assert.rejects(redeem(oauth.ClientSecretPost('wrong-secret'), await authorize()), (e: unknown) => {
      assert.ok(e instanceof oauth.ResponseBodyError, String(e));
      assert.deepEqual([e.status, e.error], [401, 'invalid_client']);
      return true;
    });
  });
});
