import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthorizationCode, type ModuleOptions } from 'simple-oauth2';
import { startExample, type RunningExample } from '../../support/example-app.js';

/**
 * simple-oauth2 5, unmodified, against the example's hosted flow through its sandbox provider,
 * with the client's credentials in HTTP Basic (its default) and in the body: the code exchange,
 * refresh, and revocation of both tokens (RFC 7009, with token_type_hint).
 */
describe('simple-oauth2 5 against the example', () => {
  let ex: RunningExample;
  before(async () => {
    ex = await startExample();
  });
  after(() => ex.close());

  function clientOf(authorizationMethod: 'header' | 'body', secret = ex.clientSecret): AuthorizationCode {
    const config: ModuleOptions = {
      client: { id: ex.clientId, secret },
      // The authorization URL names the provider to sign in with (the sandbox's connector), rather than showing the picker.
      auth: { tokenHost: ex.base, tokenPath: '/v3/connect/token', revokePath: '/v3/connect/revoke', authorizePath: '/v3/connect/auth?provider=oauth2' },
      options: { authorizationMethod },
    };
    return new AuthorizationCode(config);
  }

  /** A code from the sandbox sign-in, for this client's authorization URL. */
  async function code(client: AuthorizationCode): Promise<string> {
    const url = client.authorizeURL({ redirect_uri: ex.callback, scope: 'email.read_only offline_access', state: 'so2' });
    const back = new URL(await ex.signIn(url));
    assert.equal(back.searchParams.get('state'), 'so2');
    return String(back.searchParams.get('code'));
  }

  /** What a guarded demo route of the example answers this access token. */
  async function messages(accessToken: unknown): Promise<number> {
    const res = await fetch(`${ex.base}/messages`, { headers: { authorization: `Bearer ${String(accessToken)}` } });
    await res.arrayBuffer();
    return res.status;
  }

  for (const method of ['header', 'body'] as const) {
    it(`credentials in the ${method === 'header' ? 'HTTP Basic header' : 'body'}: code, refresh, revoke`, async () => {
      const client = clientOf(method);
      const token = await client.getToken({ code: await code(client), redirect_uri: ex.callback });
      assert.match(String(token.token['access_token']), /^gk_at_/);
      assert.equal(token.token['scope'], 'email.read_only offline_access');
      assert.equal(await messages(token.token['access_token']), 200);

      const refreshed = await token.refresh();
      assert.notEqual(refreshed.token['refresh_token'], token.token['refresh_token']);
      assert.equal(await messages(refreshed.token['access_token']), 200);

      await refreshed.revokeAll();
      assert.equal(await messages(refreshed.token['access_token']), 401);
      await assert.rejects(refreshed.refresh(), (e: { output?: { statusCode?: number }; data?: { payload?: { error?: string } } }) => {
        assert.deepEqual([e.output?.statusCode, e.data?.payload?.error], [400, 'invalid_grant']);
        return true;
      });
    });
  }

  it('a replayed code is invalid_grant', async () => {
    const client = clientOf('header');
    const c = await code(client);
    await client.getToken({ code: c, redirect_uri: ex.callback });
    await assert.rejects(client.getToken({ code: c, redirect_uri: ex.callback }), (e: { output?: { statusCode?: number }; data?: { payload?: { error?: string } } }) => {
      assert.deepEqual([e.output?.statusCode, e.data?.payload?.error], [400, 'invalid_grant']);
      return true;
    });
  });

  it('a wrong secret is invalid_client with 401, and the Basic challenge when Basic was used', async () => {
    type Failure = { output?: { statusCode?: number }; data?: { payload?: { error?: string }; headers?: Record<string, string | undefined> } };
    const failure = async (method: 'header' | 'body'): Promise<Failure> =>
      clientOf(method, 'wrong-secret')
        .getToken({ code: await code(clientOf(method)), redirect_uri: ex.callback })
        .then(
          () => assert.fail('a wrong secret was accepted'),
          (e: Failure) => e,
        );
    const basic = await failure('header');
    assert.deepEqual([basic.output?.statusCode, basic.data?.payload?.error], [401, 'invalid_client']);
    assert.equal(basic.data?.headers?.['www-authenticate'], 'Basic realm="grantkit"');
    const body = await failure('body');
    assert.deepEqual([body.output?.statusCode, body.data?.payload?.error], [401, 'invalid_client']);
    assert.equal(body.data?.headers?.['www-authenticate'], undefined);
  });
});
