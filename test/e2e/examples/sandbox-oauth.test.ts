import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSandboxOAuthServer, type SandboxOAuthServer } from '../../../examples/shared/sandbox-oauth.js';

const REDIRECT = 'http://localhost:3000/callback';

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' };
}

describe('the sandbox OAuth 2.0 server (examples/shared/sandbox-oauth.ts)', () => {
  let s: SandboxOAuthServer;
  before(async () => {
    s = await startSandboxOAuthServer(); // open mode, as the example runs it
  });
  after(async () => {
    await s.close();
  });

  const params = (extra: Record<string, string> = {}): Record<string, string> => ({
    response_type: 'code',
    client_id: 'any-client',
    redirect_uri: REDIRECT,
    scope: 'email.read_only calendar https://www.googleapis.com/auth/gmail.readonly',
    state: 'xyz',
    ...extra,
  });

  async function login(p: Record<string, string>, password = 'sandbox'): Promise<Response> {
    return fetch(s.authorizationUrl, form({ ...p, email: 'newcomer@example.com', password, action: 'allow' }));
  }

  it('publishes RFC 8414 metadata', async () => {
    const meta = (await (await fetch(`${s.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(meta['token_endpoint'], s.tokenUrl);
    assert.equal(meta['authorization_endpoint'], s.authorizationUrl);
  });

  it('serves an escaped login form that says which password to use', async () => {
    const res = await fetch(`${s.authorizationUrl}?${new URLSearchParams(params({ state: '"><script>x</script>' }))}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<code>sandbox<\/code>/);
    assert.ok(!html.includes('<script>'));
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });

  it('code + S256 PKCE → tokens for exactly the scopes asked; userinfo names the user; refresh works', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const p = params({ code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await login(p);
    assert.equal(res.status, 302);
    const cb = new URL(res.headers.get('location')!);
    assert.equal(cb.origin + cb.pathname, REDIRECT);
    assert.equal(cb.searchParams.get('state'), 'xyz');
    const code = cb.searchParams.get('code')!;

    const wrong = await fetch(s.tokenUrl, form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'any-client', code_verifier: 'x'.repeat(43) }));
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant');

    // The wrong verifier burned the code.
    const burned = await fetch(s.tokenUrl, form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'any-client', code_verifier: verifier }));
    assert.equal(burned.status, 400);

    const res2 = await login(p);
    const code2 = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const tok = await fetch(s.tokenUrl, form({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, client_id: 'any-client', code_verifier: verifier }));
    assert.equal(tok.status, 200);
    assert.equal(tok.headers.get('cache-control'), 'no-store');
    const body = (await tok.json()) as Record<string, string>;
    assert.equal(body['scope'], p.scope);
    assert.equal(body['token_type'], 'Bearer');

    const info = (await (await fetch(s.userinfoUrl, { headers: { authorization: `Bearer ${body['access_token']}` } })).json()) as Record<string, unknown>;
    assert.equal(info['email'], 'newcomer@example.com');

    const refreshed = await fetch(s.tokenUrl, form({ grant_type: 'refresh_token', refresh_token: body['refresh_token']!, client_id: 'any-client' }));
    assert.equal(refreshed.status, 200);
    const replay = await fetch(s.tokenUrl, form({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, client_id: 'any-client', code_verifier: verifier }));
    assert.equal(replay.status, 400, 'a code works once');
    const afterReplay = await fetch(s.tokenUrl, form({ grant_type: 'refresh_token', refresh_token: body['refresh_token']!, client_id: 'any-client' }));
    assert.equal(afterReplay.status, 400, 'a replayed code takes back what it issued');
  });

  it('a wrong password re-shows the form with 401; Deny redirects with access_denied', async () => {
    const bad = await login(params(), 'password');
    assert.equal(bad.status, 401);
    assert.match(await bad.text(), /<form/);
    const deny = await fetch(s.authorizationUrl, form({ ...params(), action: 'deny' }));
    const to = new URL(deny.headers.get('location')!);
    assert.equal(to.searchParams.get('error'), 'access_denied');
    assert.equal(to.searchParams.get('state'), 'xyz');
  });

  it('registered clients: an unregistered redirect URI is refused without a redirect, a wrong secret is invalid_client', async () => {
    const strict = await startSandboxOAuthServer({ clients: [{ id: 'c1', secret: 's1', redirectUris: [REDIRECT] }] });
    try {
      const res = await fetch(`${strict.authorizationUrl}?${new URLSearchParams({ ...params({ client_id: 'c1' }), redirect_uri: 'https://evil.example/cb' })}`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      const tok = await fetch(strict.tokenUrl, {
        ...form({ grant_type: 'refresh_token', refresh_token: 'x' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('c1:wrong').toString('base64')}` },
      });
      assert.equal(tok.status, 401);
      assert.equal(((await tok.json()) as { error: string }).error, 'invalid_client');
    } finally {
      await strict.close();
    }
  });
});
