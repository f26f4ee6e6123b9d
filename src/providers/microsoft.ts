import type { OAuthNativeProvider } from './oauth-refresh.js';
import { refreshTokenProvider } from './refresh-token-provider.js';

export interface MicrosoftProviderOptions {
  /** `office365` (v2 native auth, the default) or `microsoft` (the v3 name). */
  readonly name?: 'office365' | 'microsoft';
  /** The Entra ID tenant in the default token URL: `common` (default), `organizations`, or a tenant id. */
  readonly tenant?: string;
  /** Overrides the whole token URL (tests, sovereign clouds); `tenant` is then unused. */
  readonly tokenUrl?: string;
  /** The OAuth client of v3 grants that post only `refresh_token` (the connector's client). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Bound on each call to Microsoft. Default 10 s. */
  readonly timeoutMs?: number;
}

export function microsoftTokenUrl(tenant = 'common'): string {
  return `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
}

/**
 * Office 365 / Microsoft 365: the grant is a Microsoft identity platform refresh token, checked by
 * one refresh. v2 settings: `microsoft_client_id`, `microsoft_client_secret`,
 * `microsoft_refresh_token`, and `redirect_uri` when the app registered one. v3:
 * `refresh_token`. Microsoft rotates refresh tokens; the newest one is what is kept.
 */
export function microsoftProvider(options: MicrosoftProviderOptions = {}): OAuthNativeProvider {
  return refreshTokenProvider({
    name: options.name ?? 'office365',
    organizationUnit: 'folder',
    prefix: 'microsoft',
    tokenUrl: options.tokenUrl ?? microsoftTokenUrl(options.tenant),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    timeoutMs: options.timeoutMs,
    passThrough: ['redirect_uri'],
  });
}
