import { GrantKitError } from '../errors/error.js';
import { oauthIdentity } from '../grants/identity.js';
import {
  checkAccountEmail,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  idTokenClaims,
  refreshAccessToken,
  type OAuthNativeProvider,
  type RefreshRequest,
} from './oauth-refresh.js';
import type { VerifiedAccount } from './provider.js';

/**
 * The shape shared by the Google and Microsoft verifiers: a grant is a refresh token, checked by
 * one refresh at the token endpoint. Two wire forms of `settings` are read:
 * - v2 native auth: `<prefix>_client_id`, `<prefix>_client_secret`, `<prefix>_refresh_token`
 *   (the app's own OAuth client travels with each account);
 * - v3 custom auth: `refresh_token`, with the client id and secret of the provider's auth
 *   application from the provider options (the connector's), or from `client_id`/`client_secret`.
 * What is kept is what a later refresh needs, in the form it came in, and nothing else.
 */
export interface RefreshTokenProviderSpec {
  readonly name: string;
  readonly organizationUnit: 'label' | 'folder';
  /** `google` or `microsoft`: the v2 settings prefix. */
  readonly prefix: string;
  readonly tokenUrl: string;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly timeoutMs?: number | undefined;
  /** v2 settings fields passed on to the token endpoint and kept (Microsoft's `redirect_uri`). */
  readonly passThrough?: readonly string[];
}

const MAX_FIELD = 4096;

export function refreshTokenProvider(spec: RefreshTokenProviderSpec): OAuthNativeProvider {
  const p = spec.prefix;
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;

  /** The request a refresh needs, the settings worth keeping, and where the refresh token sits in them. */
  function read(settings: Readonly<Record<string, unknown>>): { request: RefreshRequest; kept: Record<string, string>; key: string } {
    if (settings[`${p}_refresh_token`] !== undefined) {
      const refreshToken = field(settings, `${p}_refresh_token`, true)!;
      const clientId = field(settings, `${p}_client_id`, true)!;
      const clientSecret = field(settings, `${p}_client_secret`, false);
      const extra: Record<string, string> = {};
      for (const k of spec.passThrough ?? []) {
        const v = field(settings, k, false);
        if (v !== undefined) extra[k] = v;
      }
      const kept: Record<string, string> = { [`${p}_client_id`]: clientId, [`${p}_refresh_token`]: refreshToken, ...extra };
      if (clientSecret !== undefined) kept[`${p}_client_secret`] = clientSecret;
      return { request: { tokenUrl: spec.tokenUrl, clientId, clientSecret, refreshToken, extra }, kept, key: `${p}_refresh_token` };
    }
    if (settings['refresh_token'] === undefined) {
      throw new GrantKitError('invalid_request', `"settings.${p}_refresh_token" (or "settings.refresh_token") is required for ${spec.name}.`);
    }
    const refreshToken = field(settings, 'refresh_token', true)!;
    const ownId = field(settings, 'client_id', false);
    const ownSecret = field(settings, 'client_secret', false);
    const clientId = ownId ?? spec.clientId;
    if (clientId === undefined) {
      throw new GrantKitError('invalid_request', `"settings.client_id" is required: no ${spec.name} client id is configured.`);
    }
    const kept: Record<string, string> = { refresh_token: refreshToken };
    if (ownId !== undefined) kept['client_id'] = ownId;
    if (ownSecret !== undefined) kept['client_secret'] = ownSecret;
    // A grant's own client id goes with its own secret only: never the configured secret with another id.
    const clientSecret = ownId !== undefined ? ownSecret : spec.clientSecret;
    return { request: { tokenUrl: spec.tokenUrl, clientId, clientSecret, refreshToken }, kept, key: 'refresh_token' };
  }

  return {
    name: spec.name,
    organizationUnit: spec.organizationUnit,
    async verify({ email, name, settings }): Promise<VerifiedAccount> {
      const { request, kept, key } = read(settings);
      const refreshed = await refreshAccessToken(request, timeoutMs);
      const account = checkAccountEmail(refreshed, email);
      if (refreshed.refreshToken !== undefined) kept[key] = refreshed.refreshToken;
      // The id_token of the refresh (when the token has `openid`) says whose account it is.
      const identity = oauthIdentity(spec.name, email, idTokenClaims(refreshed.idToken));
      return { email, name: name || account.name || '', settings: kept, identity };
    },
    refreshRequest(settings) {
      try {
        const { request, key } = read(settings);
        return { ...request, refreshTokenKey: key };
      } catch {
        return undefined;
      }
    },
  };
}

function field(settings: Readonly<Record<string, unknown>>, key: string, required: boolean): string | undefined {
  const v = settings[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '' || v.length > MAX_FIELD) {
    throw new GrantKitError('invalid_request', `"settings.${key}" must be a non-empty string.`);
  }
  return v;
}
