import { isJsonObject } from '../http/json-object.js';
import { ProviderAuthError, ProviderUnavailableError, type NativeProvider } from './provider.js';

/**
 * One refresh-token grant (RFC 6749 section 6) at a provider's token endpoint: what the Google and
 * Microsoft verifiers use to check a refresh token, and what `kit.providerAccessToken()` uses to
 * mint a fresh access token. The answer falls in one of three classes, because they mean different
 * things for a grant:
 * - `invalid_grant`: the refresh token is dead (revoked, expired, password changed). Only this
 *   makes a grant invalid (InvalidRefreshTokenError, a ProviderAuthError).
 * - another OAuth error (`invalid_client`, `unauthorized_client`...): the credentials posted are
 *   wrong, or the app's configuration is; a ProviderAuthError, but the grant may be fine.
 * - no answer (network, timeout, 5xx, garbage): ProviderUnavailableError; nothing is concluded.
 */
export interface RefreshRequest {
  readonly tokenUrl: string;
  readonly clientId: string;
  /** Omitted for public clients. Sent in the body (client_secret_post), which Google and Microsoft accept. */
  readonly clientSecret?: string | undefined;
  readonly refreshToken: string;
  /** Extra form fields some providers want (`redirect_uri`, `scope`). */
  readonly extra?: Readonly<Record<string, string>> | undefined;
}

export interface RefreshedToken {
  readonly accessToken: string;
  /** Seconds, as the provider said; undefined when it did not say. */
  readonly expiresIn: number | undefined;
  /** Set when the provider rotated the refresh token (Microsoft does); keep it instead of the old one. */
  readonly refreshToken: string | undefined;
  readonly scope: string | undefined;
  /** The OpenID id_token, when the provider sent one. */
  readonly idToken: string | undefined;
}

/** The provider said the refresh token is no good (`invalid_grant`). */
export class InvalidRefreshTokenError extends ProviderAuthError {}

/** The provider refused the request for another reason; `error` is its OAuth error code (never a secret). */
export class RefreshRefusedError extends ProviderAuthError {
  readonly error: string;
  constructor(error: string) {
    super(`provider refused the refresh: ${error}`);
    this.error = error;
  }
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;

/** Tokens and error bodies are small; a provider answering more is not one we should parse. */
const MAX_BODY_BYTES = 64 * 1024;

export async function refreshAccessToken(req: RefreshRequest, timeoutMs = DEFAULT_PROVIDER_TIMEOUT_MS): Promise<RefreshedToken> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: req.refreshToken, client_id: req.clientId });
  if (req.clientSecret !== undefined && req.clientSecret !== '') form.set('client_secret', req.clientSecret);
  for (const [k, v] of Object.entries(req.extra ?? {})) form.set(k, v);

  let res: Response;
  let text: string;
  try {
    res = await fetch(req.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      // A token endpoint that redirects is misconfigured; following it would replay the secret elsewhere.
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (cause) {
    // The error message of fetch names the URL only; the form (with the secrets) is never in it.
    throw new ProviderUnavailableError('the token endpoint could not be reached', { cause });
  }
  if (res.status >= 500) throw new ProviderUnavailableError(`the token endpoint answered ${res.status}`);
  const body = text.length <= MAX_BODY_BYTES ? parseObject(text) : undefined;

  if (res.status === 200 && body !== undefined) {
    const accessToken = body['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new ProviderUnavailableError('the token endpoint answered 200 without an access token');
    }
    const expiresIn = Number(body['expires_in']);
    return {
      accessToken,
      expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
      refreshToken: nonEmpty(body['refresh_token']),
      scope: nonEmpty(body['scope']),
      idToken: nonEmpty(body['id_token']),
    };
  }
  const error = body?.['error'];
  if (typeof error !== 'string') throw new ProviderUnavailableError(`the token endpoint answered ${res.status} without an OAuth error`);
  if (error === 'invalid_grant') throw new InvalidRefreshTokenError('the provider answered invalid_grant');
  // Only the standard code goes into the message: `error_description` is provider prose, sometimes with ids in it.
  throw new RefreshRefusedError(/^[\w.-]{1,64}$/.test(error) ? error : 'unknown_error');
}

/**
 * The claims of an id_token received straight from the token endpoint over TLS. OpenID Connect
 * Core section 3.1.3.7 lets a client skip the signature check in that case; grantkit reads only `email`
 * and `name` from it, to refuse a refresh token that belongs to another account.
 */
export function idTokenClaims(idToken: string | undefined): Readonly<Record<string, unknown>> | undefined {
  const payload = idToken?.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    return parseObject(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Throws ProviderAuthError when the provider's id_token names another address than the one posted. */
export function checkAccountEmail(refreshed: RefreshedToken, email: string): { name: string | undefined } {
  const claims = idTokenClaims(refreshed.idToken);
  const claimed = claims?.['email'] ?? claims?.['preferred_username'];
  if (typeof claimed === 'string' && claimed.includes('@') && claimed.toLowerCase() !== email.toLowerCase()) {
    throw new ProviderAuthError('the refresh token belongs to another account');
  }
  const name = claims?.['name'];
  return { name: typeof name === 'string' && name !== '' ? name : undefined };
}

/**
 * A native provider whose grants hold a provider refresh token: `kit.providerAccessToken()` asks it
 * how to refresh a grant's (opened) settings. `refreshTokenKey` is where a rotated token is written back.
 */
export interface OAuthNativeProvider extends NativeProvider {
  refreshRequest(settings: Readonly<Record<string, unknown>>): (RefreshRequest & { readonly refreshTokenKey: string }) | undefined;
}

export function isOAuthNativeProvider(p: NativeProvider | undefined): p is OAuthNativeProvider {
  return p !== undefined && 'refreshRequest' in p && typeof p.refreshRequest === 'function';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isJsonObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
