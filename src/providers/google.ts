import type { OAuthNativeProvider } from './oauth-refresh.js';
import { refreshTokenProvider } from './refresh-token-provider.js';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface GoogleProviderOptions {
  /** `gmail` (v2 native auth, the default) or `google` (the v3 name). */
  readonly name?: 'gmail' | 'google';
  /** Google's token endpoint; tests point it at a loopback server. */
  readonly tokenUrl?: string;
  /** The OAuth client of v3 grants that post only `refresh_token` (the connector's client). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Bound on each call to Google. Default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Gmail / Google Workspace: the grant is a Google refresh token, checked by one refresh at Google's
 * token endpoint. v2 settings: `google_client_id`, `google_client_secret`, `google_refresh_token`
 *. v3: `refresh_token`. An `invalid_grant` answer is a 401; Google unreachable is a 502.
 */
export function googleProvider(options: GoogleProviderOptions = {}): OAuthNativeProvider {
  return refreshTokenProvider({
    name: options.name ?? 'gmail',
    organizationUnit: 'label',
    prefix: 'google',
    tokenUrl: options.tokenUrl ?? GOOGLE_TOKEN_URL,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    timeoutMs: options.timeoutMs,
  });
}
