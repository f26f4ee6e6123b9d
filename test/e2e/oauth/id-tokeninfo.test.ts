import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NylasOAuthError } from 'nylas';
import { IdTokenSigner } from '../../../src/oauth/id-token.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';
import { s256Pair } from '../../support/pkce-helpers.js';
import { Nylas, rejection } from '../../support/v3-app.js';

/**
 * GET /v3/connect/tokeninfo?id_token=… (§3.7) answers the claims of an id_token grantkit's hosted
 * OAuth issued, verified with the kit's signer; anything else is the OAuth-style 400 invalid_token.
 */
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';

interface Tokens {
  readonly access_token: string;
  readonly id_token: string;
  readonly grant_id: string;
}

describe('/v3/connect/tokeninfo?id_token=', () => {
  let h: Harness;
  let apiKey: string;
  let tokens: Tokens;

  before(async () => {
    h = await startHarness();
    apiKey = (await h.kit.apiKeys.create({ clientId: APP_ID })).key;
    // A real id_token: the hosted dance against the stand-in Google, then the code exchange.
    const { verifier, challenge } = s256Pair();
    const q = new URLSearchParams({
      client_id: APP_ID,
      redirect_uri: APP_CALLBACK,
      response_type: 'code',
      provider: 'google',
      scope: GMAIL_READ,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const done = await h.browser.run(`${h.base}/v3/connect/auth?${q}`);
    const code = paramsOf(done.url).get('code');
    assert.ok(code, done.url);
    const res = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: APP_CALLBACK, code, code_verifier: verifier }),
    });
    assert.equal(res.status, 200);
    tokens = (await res.json()) as Tokens;
  });
  after(() => h.close());

  async function info(idToken: string, bearer = apiKey): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const res = await fetch(`${h.base}/v3/connect/tokeninfo?${new URLSearchParams({ id_token: idToken })}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }

  it('a valid id_token → {request_id, data: {iss, aud, sub, email, iat, exp}}, not cached', async () => {
    const res = await info(tokens.id_token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(typeof res.body['request_id'], 'string');
    const data = res.body['data'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(data).sort(), ['aud', 'email', 'exp', 'iat', 'iss', 'sub']);
    assert.equal(data['iss'], h.base);
    assert.equal(data['aud'], APP_ID);
    assert.equal(data['sub'], tokens.grant_id);
    assert.equal(data['email'], 'ada@example.com');
    assert.equal(Number(data['exp']) - Number(data['iat']), 3600);
  });

  it('the grant\'s own access token may ask about its id_token', async () => {
    const res = await info(tokens.id_token, tokens.access_token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((res.body['data'] as Record<string, unknown>)['sub'], tokens.grant_id);
  });

  it('tampered, foreign-key, expired, wrong-issuer, other-client and garbage id_tokens → 400 invalid_token', async () => {
    const [head, payload, sig] = tokens.id_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, email: 'eve@example.com' })).toString('base64url')}.${sig}`;
    const now = Math.floor(h.kit.now() / 1000);
    const base = { audience: APP_ID, subject: tokens.grant_id, email: 'ada@example.com' };
    const foreign = await new IdTokenSigner(undefined).sign({ ...base, issuer: h.base, issuedAt: now, expiresAt: now + 3600 });
    const expired = await h.kit.hosted.signer.sign({ ...base, issuer: h.base, issuedAt: now - 7200, expiresAt: now - 3600 });
    const otherIssuer = await h.kit.hosted.signer.sign({ ...base, issuer: 'https://elsewhere.example', issuedAt: now, expiresAt: now + 3600 });
    const otherClient = await h.kit.hosted.signer.sign({ ...base, audience: 'spa', issuer: h.base, issuedAt: now, expiresAt: now + 3600 });
    for (const [name, token] of Object.entries({ forged, foreign, expired, otherIssuer, otherClient, garbage: 'eyJ.not.ajwt' })) {
      const res = await info(token);
      assert.equal(res.status, 400, name);
      assert.equal(res.body['error'], 'invalid_token', name);
      assert.equal(res.body['error_code'], 400, name);
      assert.ok(res.headers.get('x-request-id'), name);
      // Nothing from the presented token comes back.
      assert.ok(!JSON.stringify(res.body).includes('ada@example.com'), name);
    }
  });

  it('another grant\'s access token cannot read this id_token', async () => {
    const now = Math.floor(h.kit.now() / 1000);
    const someoneElse = await h.kit.hosted.signer.sign({
      issuer: h.base,
      audience: APP_ID,
      subject: 'another-grant',
      email: 'bob@example.com',
      issuedAt: now,
      expiresAt: now + 3600,
    });
    assert.equal((await info(someoneElse)).status, 200, 'the API key sees every grant of its client');
    assert.equal((await info(someoneElse, tokens.access_token)).status, 400);
  });

  it('the v8 SDK: auth.idTokenInfo reads the claims, and a bad token is a NylasOAuthError', async () => {
    const nylas = new Nylas({ apiKey, apiUri: h.base, timeout: 10 });
    const res = await nylas.auth.idTokenInfo(tokens.id_token);
    assert.ok(res.requestId);
    assert.equal(res.data.sub, tokens.grant_id);
    assert.equal(res.data.email, 'ada@example.com');
    assert.equal(res.data.aud, APP_ID);
    assert.equal(res.data.iss, h.base);
    const bad = await rejection(nylas.auth.idTokenInfo(`${tokens.id_token}x`));
    assert.ok(bad instanceof NylasOAuthError);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.error, 'invalid_token');
  });
});
