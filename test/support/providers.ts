import type express from 'express';
import request from 'supertest';
import { startDevImap, type DevImapServer } from '../../examples/shared/dev-imap.js';
import { startSandboxOAuthServer, type SandboxOAuthOptions, type SandboxOAuthServer } from '../../examples/shared/sandbox-oauth.js';
import { CLIENT_ID, CLIENT_SECRET } from './helpers.js';

/** The provider-side OAuth client (the app's Google/Microsoft auth application). */
export const UPSTREAM_CLIENT = { id: 'upstream-client', secret: 'upstream-secret' } as const;
const REDIRECT = 'http://127.0.0.1:9/callback';

export async function startProvider(options: SandboxOAuthOptions = {}): Promise<SandboxOAuthServer> {
  return startSandboxOAuthServer({
    clients: [{ id: UPSTREAM_CLIENT.id, secret: UPSTREAM_CLIENT.secret, redirectUris: [REDIRECT] }],
    ...options,
  });
}

/**
 * A refresh token obtained the way a user gets one: the authorization request, the login form
 * posted with the sandbox password, the code from the redirect, and the code exchange.
 */
export async function obtainRefreshToken(server: SandboxOAuthServer, email: string, scope = 'openid email mail.read'): Promise<string> {
  const params = new URLSearchParams({ response_type: 'code', client_id: UPSTREAM_CLIENT.id, redirect_uri: REDIRECT, scope, state: 's1' });
  const form = await fetch(`${server.authorizationUrl}?${params}`);
  if (form.status !== 200 || !(await form.text()).includes('<form')) throw new Error(`no login form: ${form.status}`);
  const login = await fetch(server.authorizationUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...Object.fromEntries(params), email, password: 'sandbox', action: 'allow' }).toString(),
    redirect: 'manual',
  });
  const location = new URL(login.headers.get('location') ?? 'http://invalid/');
  const code = location.searchParams.get('code');
  if (login.status !== 302 || code === null) throw new Error(`login failed: ${login.status}`);
  const token = await fetch(server.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: UPSTREAM_CLIENT.id,
      client_secret: UPSTREAM_CLIENT.secret,
    }).toString(),
  });
  const body = (await token.json()) as { refresh_token?: string };
  if (token.status !== 200 || body.refresh_token === undefined) throw new Error(`code exchange failed: ${token.status}`);
  return body.refresh_token;
}

/** Revokes a token at the provider (RFC 7009), as a user removing the app's access would. */
export async function revokeAtProvider(server: SandboxOAuthServer, token: string): Promise<void> {
  const res = await fetch(server.revocationUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  if (res.status !== 200) throw new Error(`revoke failed: ${res.status}`);
}

/** v2 native auth through the app: authorize then token. Returns the raw responses' bodies. */
export async function connect(
  app: express.Express,
  provider: string,
  email: string,
  settings: Record<string, unknown>,
  scopes = 'email.read_only',
): Promise<{ status: number; body: Record<string, unknown>; token?: string; grantId?: string }> {
  const auth = await request(app)
    .post('/connect/authorize')
    .send({ client_id: CLIENT_ID, name: 'Test User', email_address: email, provider, settings, scopes });
  if (auth.status !== 200) return { status: auth.status, body: auth.body as Record<string, unknown> };
  const tok = await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: auth.body.code });
  return { status: tok.status, body: tok.body as Record<string, unknown>, token: tok.body.access_token, grantId: tok.body.account_id };
}

/** An IMAP server in JS (hoodiecrow) on a random loopback port, with these users: the example's `npm run imap` server. */
export function startImap(users: Record<string, { password: string }>): Promise<DevImapServer> {
  return startDevImap({ users });
}
