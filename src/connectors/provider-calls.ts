import { isJsonObject } from '../http/json-object.js';
import { idTokenClaims } from '../providers/oauth-refresh.js';
import { ProviderAuthError } from '../providers/provider.js';
import type { ProviderEndpoints } from './connector-records.js';

/**
 * The calls custom authentication makes to a provider's OAuth endpoints: a refresh (to check a
 * refresh token and learn whose it is) and the two bulk-auth token requests (Google service
 * account JWT bearer, Microsoft client credentials after admin consent). Every call is bounded
 * in time. A provider that answers "no" is a ProviderAuthError; one that cannot be reached is a
 * ProviderUnreachableError, which bulk auth turns into an unverified grant.
 */
export class ProviderUnreachableError extends Error {
  override readonly name = 'ProviderUnreachableError';
}

export interface RefreshCheck {
  readonly email: string;
  readonly name: string;
  /** The scopes the provider reports for the token, when it does. */
  readonly scopes: readonly string[] | undefined;
  /** The refresh token to keep: the provider may have rotated it. */
  readonly refreshToken: string;
  /**
   * What the provider says about the account: the id_token's claims (when the refresh returned
   * one), overlaid with userinfo's. grants/identity.ts reads `sub`, `email_verified`, `tid`, `oid`.
   */
  readonly claims: Readonly<Record<string, unknown>>;
}

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new ProviderUnreachableError(`provider endpoint unreachable`, { cause });
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (isJsonObject(parsed)) body = parsed;
  } catch {
    // Not JSON: judged by the status alone.
  }
  if (res.status >= 500) throw new ProviderUnreachableError(`provider answered ${res.status}`);
  return { status: res.status, body };
}

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
  };
}

function accessTokenOf(r: { status: number; body: Record<string, unknown> }): string {
  const token = r.body['access_token'];
  if (r.status !== 200 || typeof token !== 'string' || token === '') throw new ProviderAuthError('provider refused the grant');
  return token;
}

/** Refreshes once at the token endpoint, then asks the userinfo endpoint whose account it is. */
export async function checkRefreshToken(
  endpoints: ProviderEndpoints,
  client: { readonly clientId: string; readonly clientSecret: string },
  refreshToken: string,
  timeoutMs: number,
): Promise<RefreshCheck> {
  const token = await call(
    endpoints.tokenUrl,
    form({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId, client_secret: client.clientSecret }),
    timeoutMs,
  );
  const accessToken = accessTokenOf(token);
  const info = await call(endpoints.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } }, timeoutMs);
  if (info.status !== 200) throw new ProviderAuthError('userinfo refused the token');
  // Google/Yahoo (OpenID userinfo) say `email`; Graph's /me says `mail` or `userPrincipalName`.
  const email = [info.body['email'], info.body['mail'], info.body['userPrincipalName']].find((v) => typeof v === 'string' && v !== '');
  if (typeof email !== 'string') throw new ProviderAuthError('provider reported no email address');
  const name = [info.body['name'], info.body['displayName']].find((v) => typeof v === 'string');
  const scope = token.body['scope'];
  const rotated = token.body['refresh_token'];
  return {
    email,
    name: typeof name === 'string' ? name : '',
    scopes: typeof scope === 'string' && scope.trim() !== '' ? scope.trim().split(/\s+/) : undefined,
    refreshToken: typeof rotated === 'string' && rotated !== '' ? rotated : refreshToken,
    claims: { ...idTokenClaims(typeof token.body['id_token'] === 'string' ? token.body['id_token'] : undefined), ...info.body },
  };
}

/**
 * Google domain-wide delegation: a JWT signed with the service account's key, impersonating the
 * user (`sub`), exchanged at the token endpoint (RFC 7523). Success means the Workspace admin has
 * granted these scopes to the service account for this user.
 */
export async function checkServiceAccount(
  tokenUrl: string,
  serviceAccount: Readonly<Record<string, string>>,
  email: string,
  scopes: readonly string[],
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  // jose loads with the first service account checked, not with grantkit; by subpath, since its
  // root loads every JWE and JWS module jose has.
  const [{ importPKCS8 }, { SignJWT }] = await Promise.all([import('jose/key/import'), import('jose/jwt/sign')]);
  let assertion: string;
  try {
    const key = await importPKCS8(serviceAccount['private_key']!, 'RS256');
    const iat = Math.floor(nowMs / 1000);
    const header: { alg: string; kid?: string } = { alg: 'RS256' };
    if (serviceAccount['private_key_id']) header.kid = serviceAccount['private_key_id'];
    assertion = await new SignJWT({ scope: scopes.join(' ') })
      .setProtectedHeader(header)
      .setIssuer(serviceAccount['client_email']!)
      .setSubject(email)
      .setAudience(tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
  } catch (cause) {
    throw new InvalidCredentialError('the service account private key is not a valid PKCS#8 RSA key', { cause });
  }
  accessTokenOf(await call(tokenUrl, form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }), timeoutMs));
}

/** Microsoft admin consent: an app-only token for Graph proves the tenant's admin consented. */
export async function checkAdminConsent(
  tokenUrl: string,
  client: { readonly clientId: string; readonly clientSecret: string },
  timeoutMs: number,
): Promise<void> {
  accessTokenOf(
    await call(
      tokenUrl,
      form({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }),
      timeoutMs,
    ),
  );
}

/** The stored credential itself is unusable (not the provider's answer). */
export class InvalidCredentialError extends Error {
  override readonly name = 'InvalidCredentialError';
}
