import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tokenEndpointClient } from '../../../src/auth/client-auth.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';
import { s256Pair } from '../../support/pkce-helpers.js';

/**
 * Client authentication at POST /v3/connect/token: the body, or HTTP Basic as RFC 6749 section 2.3.1
 * has it. The Basic id must match a body client_id; a secret in both places is invalid_request;
 * a failed Basic attempt is 401 with a Basic challenge; the SDK's Bearer API key keeps working.
 *
 * Most cases present a refresh token that does not exist: once the client is authenticated the
 * answer is 400 invalid_grant, so 400 invalid_grant means "authentication passed".
 */
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('HTTP Basic client authentication at /v3/connect/token', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  async function post(body: Record<string, string>, authorization?: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const res = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body: new URLSearchParams(body).toString(),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }

  const unknownRefresh = { grant_type: 'refresh_token', refresh_token: 'gk_rt_does-not-exist' };

  test('a confidential client authenticated by HTTP Basic alone redeems its code', async () => {
    const { verifier, challenge } = s256Pair();
    const q = new URLSearchParams({
      client_id: APP_ID,
      redirect_uri: APP_CALLBACK,
      response_type: 'code',
      provider: 'google',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const done = await h.browser.run(`${h.base}/v3/connect/auth?${q}`);
    const code = paramsOf(done.url).get('code');
    assert.ok(code, done.url);
    const res = await post(
      { grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK, code_verifier: verifier },
      basic(encodeURIComponent(APP_ID), encodeURIComponent(APP_SECRET)),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(typeof res.body['access_token'], 'string');
  });

  test('Basic with the right credentials authenticates, with or without a matching body client_id', async () => {
    for (const body of [unknownRefresh, { ...unknownRefresh, client_id: APP_ID }]) {
      const res = await post(body, basic(APP_ID, APP_SECRET));
      assert.equal(res.status, 400);
      assert.equal(res.body['error'], 'invalid_grant');
    }
  });

  test('a Basic id that differs from the body client_id is refused with 401 and a Basic challenge', async () => {
    const res = await post({ ...unknownRefresh, client_id: 'spa' }, basic(APP_ID, APP_SECRET));
    assert.equal(res.status, 401);
    assert.equal(res.body['error'], 'invalid_client');
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="grantkit"');
  });

  test('a client secret in both the Basic header and the body is invalid_request, even when they agree', async () => {
    for (const bodySecret of [APP_SECRET, 'other-secret']) {
      const res = await post({ ...unknownRefresh, client_id: APP_ID, client_secret: bodySecret }, basic(APP_ID, APP_SECRET));
      assert.equal(res.status, 400);
      assert.equal(res.body['error'], 'invalid_request');
      assert.ok(!JSON.stringify(res.body).includes(APP_SECRET));
    }
  });

  test('a failed Basic attempt answers 401 with WWW-Authenticate: Basic', async () => {
    const cases: Array<[string, string]> = [
      ['wrong secret', basic(APP_ID, 'wrong-secret')],
      ['unknown client', basic('nobody', APP_SECRET)],
      ['empty secret for a confidential client', basic(APP_ID, '')],
      ['no colon', `Basic ${Buffer.from('app').toString('base64')}`],
      ['not base64', 'Basic !!!'],
      ['bad percent-encoding', basic('app%zz', APP_SECRET)],
      ['scheme only', 'Basic'],
    ];
    for (const [name, header] of cases) {
      const res = await post(unknownRefresh, header);
      assert.equal(res.status, 401, name);
      assert.equal(res.body['error'], 'invalid_client', name);
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="grantkit"', name);
      assert.equal(res.headers.get('cache-control'), 'no-store', name);
    }
  });

  test('a failed authentication in the body stays a 401 without a Basic challenge', async () => {
    const res = await post({ ...unknownRefresh, client_id: APP_ID, client_secret: 'wrong-secret' });
    assert.equal(res.status, 401);
    assert.equal(res.body['error'], 'invalid_client');
    assert.equal(res.headers.get('www-authenticate'), null);
  });

  test('the SDK\'s Authorization: Bearer <API key> with the credentials in the body stays accepted', async () => {
    const { key } = await h.kit.apiKeys.create({ clientId: APP_ID });
    const res = await post({ ...unknownRefresh, client_id: APP_ID, client_secret: key }, `Bearer ${key}`);
    assert.equal(res.status, 400);
    assert.equal(res.body['error'], 'invalid_grant');
    const secret = await post({ ...unknownRefresh, client_id: APP_ID, client_secret: APP_SECRET }, `Bearer ${key}`);
    assert.equal(secret.body['error'], 'invalid_grant');
  });
});

describe('reading client credentials at the token endpoint', () => {
  test('Basic fields are form-urlencoded (RFC 6749 section 2.3.1) and decoded before use', () => {
    const c = tokenEndpointClient(basic('my%20client', 's%2Bcr%3At+x'), undefined, undefined, 'grantkit');
    assert.deepEqual(c, { clientId: 'my client', secret: 's+cr:t x', basic: true });
  });

  test('without Basic the body names the client, and a missing client_id is invalid_request', () => {
    assert.deepEqual(tokenEndpointClient(undefined, 'app', 's', 'grantkit'), { clientId: 'app', secret: 's', basic: false });
    assert.deepEqual(tokenEndpointClient('Bearer gk_key_x', 'app', '', 'grantkit'), { clientId: 'app', secret: undefined, basic: false });
    assert.throws(() => tokenEndpointClient(undefined, undefined, 's', 'grantkit'), /"client_id" is required/);
  });
});
