import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A sandbox OAuth 2.0 authorization server for the example: a real server on
 * loopback that stands in for Google or Microsoft, so a newcomer can click through the hosted flow
 * without an account anywhere. Its login form accepts any email address with the password
 * `sandbox`, and it grants whatever scopes were asked for: there is no mailbox behind it.
 *
 * It speaks plain RFC 6749: the authorization code grant (PKCE optional, S256 or plain),
 * refresh tokens, a userinfo endpoint (`{sub, email, email_verified, name}`), token revocation
 * (RFC 7009) and RFC 8414 metadata. Everything lives in memory and dies with the process.
 *
 * grantkit never starts it; the example does (on SANDBOX_PORT, default PORT+1), and registers a
 * generic `oauth2` connector at `authorizationUrl`, `tokenUrl` and `userinfoUrl`. Tests use it as
 * the provider's token endpoint, counting requests through `stats()`.
 */
export interface SandboxOAuthOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`: never listen beyond this machine by accident. */
  readonly host?: string;
  /** The base URL printed in metadata and links; default `http://<host>:<port>`. */
  readonly publicUrl?: string;
  /** Default 3600. */
  readonly accessTokenTtlSeconds?: number;
  /** Issue a new refresh token on each refresh, and answer `invalid_grant` to the old one (Microsoft-like). Default false (Google-like). */
  readonly rotateRefreshTokens?: boolean;
  /**
   * Registered clients. When absent, any client id is accepted with any (or no) secret and any
   * http(s) redirect URI: a sandbox has nothing to protect. When present, ids, secrets and
   * redirect URIs (exact match) are checked as a real provider would.
   */
  readonly clients?: readonly SandboxClient[];
}

export interface SandboxClient {
  readonly id: string;
  readonly secret?: string;
  readonly redirectUris?: readonly string[];
}

export type SandboxEndpoint = 'authorize' | 'login' | 'token' | 'refresh' | 'userinfo' | 'revoke';

export interface SandboxOAuthServer {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
  readonly revocationUrl: string;
  /** Requests served per endpoint since start (`refresh` counts refresh-token grants at the token endpoint). */
  stats(): Readonly<Record<SandboxEndpoint, number>>;
  close(): Promise<void>;
}

/** The password the login form accepts, for any email address. */
export const SANDBOX_PASSWORD = 'sandbox';

const CODE_TTL_MS = 10 * 60 * 1000;
const MAX_BODY = 64 * 1024;
const EMAIL = /^[^\s@<>"']{1,64}@[^\s@<>"']{1,255}$/;

interface CodeEntry {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly email: string;
  readonly scope: string;
  readonly challenge: { readonly value: string; readonly method: 'S256' | 'plain' } | undefined;
  readonly expiresAt: number;
  used: boolean;
  /** Refresh token issued from it, so a replayed code can take it back (RFC 6749 section 4.1.2). */
  issued: string | undefined;
}

interface RefreshEntry {
  readonly clientId: string;
  readonly email: string;
  readonly scope: string;
}

interface AccessEntry {
  readonly email: string;
  readonly scope: string;
  readonly expiresAt: number;
  readonly refreshToken: string;
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

export async function startSandboxOAuthServer(options: SandboxOAuthOptions = {}): Promise<SandboxOAuthServer> {
  const host = options.host ?? '127.0.0.1';
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const clients = options.clients === undefined ? undefined : new Map(options.clients.map((c) => [c.id, c]));
  const codes = new Map<string, CodeEntry>();
  const refreshTokens = new Map<string, RefreshEntry>();
  const accessTokens = new Map<string, AccessEntry>();
  const counts: Record<SandboxEndpoint, number> = { authorize: 0, login: 0, token: 0, refresh: 0, userinfo: 0, revoke: 0 };
  let base = '';

  function checkRedirect(clientId: string, redirectUri: string): void {
    let url: URL;
    try {
      url = new URL(redirectUri);
    } catch {
      throw new OAuthError(400, 'invalid_request', 'redirect_uri must be an absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OAuthError(400, 'invalid_request', 'redirect_uri must be http(s)');
    if (clients === undefined) return;
    const client = clients.get(clientId);
    if (client === undefined) throw new OAuthError(400, 'invalid_client', 'unknown client_id');
    if (client.redirectUris !== undefined && !client.redirectUris.includes(redirectUri)) {
      throw new OAuthError(400, 'invalid_request', 'redirect_uri is not registered for this client');
    }
  }

  /** client_secret_basic or client_secret_post; the open sandbox takes any client. */
  function authenticateClient(req: IncomingMessage, form: URLSearchParams): string {
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      id = decodeURIComponent(i < 0 ? decoded : decoded.slice(0, i));
      secret = i < 0 ? '' : decodeURIComponent(decoded.slice(i + 1));
    }
    if (!id) throw new OAuthError(401, 'invalid_client', 'client authentication failed');
    if (clients === undefined) return id;
    const client = clients.get(id);
    if (client === undefined) throw new OAuthError(401, 'invalid_client', 'client authentication failed');
    if (client.secret !== undefined && (secret === undefined || !same(secret, client.secret))) {
      throw new OAuthError(401, 'invalid_client', 'client authentication failed');
    }
    return id;
  }

  function issue(clientId: string, email: string, scope: string, refreshToken: string | undefined): Record<string, unknown> {
    const accessToken = `sbx_at_${random()}`;
    const rt = refreshToken ?? `sbx_rt_${random()}`;
    if (refreshToken === undefined) refreshTokens.set(rt, { clientId, email, scope });
    accessTokens.set(accessToken, { email, scope, expiresAt: Date.now() + ttl * 1000, refreshToken: rt });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      scope,
      ...(refreshToken === undefined ? { refresh_token: rt } : {}),
    };
  }

  function tokenEndpoint(req: IncomingMessage, form: URLSearchParams): Record<string, unknown> {
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token') counts.refresh++;
    const clientId = authenticateClient(req, form);
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const entry = codes.get(code);
      if (entry === undefined || entry.expiresAt <= Date.now() || entry.clientId !== clientId) {
        throw new OAuthError(400, 'invalid_grant', 'the code is invalid or expired');
      }
      if (entry.used) {
        if (entry.issued !== undefined) revokeRefresh(entry.issued);
        throw new OAuthError(400, 'invalid_grant', 'the code was already used');
      }
      entry.used = true;
      if (form.get('redirect_uri') !== entry.redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match');
      if (entry.challenge !== undefined) {
        const verifier = form.get('code_verifier') ?? '';
        const computed = entry.challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || !same(computed, entry.challenge.value)) {
          throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
        }
      }
      const body = issue(clientId, entry.email, entry.scope, undefined);
      entry.issued = body['refresh_token'] as string;
      return body;
    }
    if (grantType === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      const entry = refreshTokens.get(rt);
      if (entry === undefined || entry.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'the refresh token is invalid or revoked');
      if (options.rotateRefreshTokens) {
        refreshTokens.delete(rt);
        return issue(clientId, entry.email, entry.scope, undefined);
      }
      return issue(clientId, entry.email, entry.scope, rt);
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  function revokeRefresh(rt: string): void {
    refreshTokens.delete(rt);
    for (const [at, e] of accessTokens) if (e.refreshToken === rt) accessTokens.delete(at);
  }

  function loginPage(params: URLSearchParams, error?: string): string {
    const hidden = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']
      .map((k) => (params.has(k) ? `<input type="hidden" name="${k}" value="${html(params.get(k)!)}">` : ''))
      .join('');
    const scope = params.get('scope') ?? '';
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox sign-in</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0}
input[type=email],input[type=password]{width:100%;padding:.4rem}.err{color:#b00020}code{background:#eee;padding:0 .2rem}</style></head>
<body><h1>Sandbox sign-in</h1>
<p>This is grantkit's sandbox provider. There is no real account behind it: use any email address and the password <code>${SANDBOX_PASSWORD}</code>.</p>
<p><strong>${html(params.get('client_id') ?? '')}</strong> asks for: ${scope ? html(scope) : '<em>no scopes</em>'}</p>
${error ? `<p class="err">${html(error)}</p>` : ''}
<form method="post" action="/authorize">${hidden}
<label>Email <input type="email" name="email" required autofocus value="${html(params.get('login_hint') ?? params.get('email') ?? '')}"></label>
<label>Password <input type="password" name="password" required></label>
<button type="submit" name="action" value="allow">Sign in and allow</button>
<button type="submit" name="action" value="deny" formnovalidate>Deny</button>
</form></body></html>`;
  }

  /** Checks the authorization request; errors before the redirect URI is trusted are shown, not redirected. */
  function checkAuthorizeParams(p: URLSearchParams): void {
    const clientId = p.get('client_id');
    const redirectUri = p.get('redirect_uri');
    if (!clientId || !redirectUri) throw new OAuthError(400, 'invalid_request', 'client_id and redirect_uri are required');
    checkRedirect(clientId, redirectUri);
  }

  function redirectError(p: URLSearchParams, error: string, description: string): string {
    const to = new URL(p.get('redirect_uri')!);
    to.searchParams.set('error', error);
    to.searchParams.set('error_description', description);
    if (p.has('state')) to.searchParams.set('state', p.get('state')!);
    return to.toString();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    try {
      switch (route) {
        case 'GET /.well-known/oauth-authorization-server':
          return json(res, 200, {
            issuer: base,
            authorization_endpoint: `${base}/authorize`,
            token_endpoint: `${base}/token`,
            userinfo_endpoint: `${base}/userinfo`,
            revocation_endpoint: `${base}/revoke`,
            response_types_supported: ['code'],
            grant_types_supported: ['authorization_code', 'refresh_token'],
            code_challenge_methods_supported: ['S256', 'plain'],
            token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
          });
        case 'GET /authorize': {
          counts.authorize++;
          const p = url.searchParams;
          checkAuthorizeParams(p);
          if (p.get('response_type') !== 'code') {
            return redirect(res, redirectError(p, 'unsupported_response_type', 'only response_type=code is supported'));
          }
          const method = p.get('code_challenge_method') ?? (p.has('code_challenge') ? 'plain' : undefined);
          if (method !== undefined && method !== 'S256' && method !== 'plain') {
            return redirect(res, redirectError(p, 'invalid_request', 'code_challenge_method must be S256 or plain'));
          }
          return page(res, 200, loginPage(p));
        }
        case 'POST /authorize': {
          counts.login++;
          const p = await readForm(req);
          checkAuthorizeParams(p);
          if (p.get('action') === 'deny') return redirect(res, redirectError(p, 'access_denied', 'the user denied access'));
          const email = (p.get('email') ?? '').trim();
          if (!EMAIL.test(email) || p.get('password') !== SANDBOX_PASSWORD) {
            return page(res, 401, loginPage(p, `Use any email address and the password "${SANDBOX_PASSWORD}".`));
          }
          const code = `sbx_code_${random()}`;
          const challenge = p.get('code_challenge');
          codes.set(code, {
            clientId: p.get('client_id')!,
            redirectUri: p.get('redirect_uri')!,
            email,
            scope: (p.get('scope') ?? '').split(/\s+/).filter(Boolean).join(' '),
            challenge: challenge ? { value: challenge, method: p.get('code_challenge_method') === 'S256' ? 'S256' : 'plain' } : undefined,
            expiresAt: Date.now() + CODE_TTL_MS,
            used: false,
            issued: undefined,
          });
          const to = new URL(p.get('redirect_uri')!);
          to.searchParams.set('code', code);
          if (p.has('state')) to.searchParams.set('state', p.get('state')!);
          return redirect(res, to.toString());
        }
        case 'POST /token':
          counts.token++;
          res.setHeader('cache-control', 'no-store');
          return json(res, 200, tokenEndpoint(req, await readForm(req)));
        case 'GET /userinfo':
        case 'POST /userinfo': {
          counts.userinfo++;
          const auth = req.headers.authorization;
          const entry = auth?.startsWith('Bearer ') ? accessTokens.get(auth.slice(7)) : undefined;
          if (entry === undefined || entry.expiresAt <= Date.now()) {
            res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
            return json(res, 401, { error: 'invalid_token', error_description: 'the access token is invalid or expired' });
          }
          const local = entry.email.slice(0, entry.email.indexOf('@'));
          return json(res, 200, {
            sub: createHash('sha256').update(entry.email.toLowerCase()).digest('hex').slice(0, 24),
            email: entry.email,
            email_verified: true,
            name: local.charAt(0).toUpperCase() + local.slice(1),
          });
        }
        case 'POST /revoke': {
          counts.revoke++;
          const form = await readForm(req);
          const token = form.get('token') ?? '';
          // RFC 7009 section 2.2: 200 whether or not the token was known.
          if (refreshTokens.has(token)) revokeRefresh(token);
          accessTokens.delete(token);
          return json(res, 200, {});
        }
        default:
          return json(res, 404, { error: 'not_found', error_description: `${route} is not an endpoint of the sandbox provider` });
      }
    } catch (e) {
      if (e instanceof OAuthError) {
        if (e.error === 'invalid_client') res.setHeader('www-authenticate', 'Basic realm="sandbox"');
        if (req.method === 'GET' || url.pathname === '/authorize') return page(res, e.status, `<!doctype html><title>Error</title><p>${html(e.error)}: ${html(e.message)}</p>`);
        return json(res, e.status, { error: e.error, error_description: e.message });
      }
      return json(res, 500, { error: 'server_error', error_description: 'the sandbox provider failed' });
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  base = (options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/$/, '');
  return {
    url: base,
    port,
    authorizationUrl: `${base}/authorize`,
    tokenUrl: `${base}/token`,
    userinfoUrl: `${base}/userinfo`,
    revocationUrl: `${base}/revoke`,
    stats: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new OAuthError(413, 'invalid_request', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(obj).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      throw new OAuthError(400, 'invalid_request', 'the body is not valid JSON');
    }
  }
  return new URLSearchParams(text);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function page(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    // No scripts, no framing; form-action is left open because the login redirects to the app.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
