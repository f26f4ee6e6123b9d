import type { ConnectorRecord, ProviderEndpoints } from './connector-records.js';

/** The providers' real endpoints. Overrides (connector, then kit option) win, so tests point them at loopback. */
export const DEFAULT_ENDPOINTS: Readonly<Record<string, ProviderEndpoints>> = {
  google: {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
  },
  microsoft: {
    authorizationUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
    userinfoUrl: 'https://graph.microsoft.com/v1.0/me',
  },
  yahoo: {
    authorizationUrl: 'https://api.login.yahoo.com/oauth2/request_auth',
    tokenUrl: 'https://api.login.yahoo.com/oauth2/get_token',
    userinfoUrl: 'https://api.login.yahoo.com/openid/v1/userinfo',
  },
  zoom: {
    authorizationUrl: 'https://zoom.us/oauth/authorize',
    tokenUrl: 'https://zoom.us/oauth/token',
    userinfoUrl: 'https://api.zoom.us/v2/users/me',
  },
};

export type EndpointOverrides = Readonly<Record<string, Readonly<Partial<ProviderEndpoints>>>>;

/**
 * The endpoints to use for a connector: its own overrides, then the kit's `providerEndpoints`,
 * then the defaults. `{tenant}` becomes the given tenant (Microsoft; `common` when none).
 */
export function endpointsFor(
  connector: Pick<ConnectorRecord, 'provider' | 'endpoints' | 'settings'>,
  kitOverrides: EndpointOverrides | undefined,
  tenant?: string,
): ProviderEndpoints | undefined {
  const base = DEFAULT_ENDPOINTS[connector.provider];
  const merged = { ...base, ...kitOverrides?.[connector.provider], ...connector.endpoints };
  if (merged.authorizationUrl === undefined || merged.tokenUrl === undefined || merged.userinfoUrl === undefined) return undefined;
  const t = encodeURIComponent(tenant ?? connector.settings['tenant'] ?? 'common');
  return {
    authorizationUrl: merged.authorizationUrl.replace('{tenant}', t),
    tokenUrl: merged.tokenUrl.replace('{tenant}', t),
    userinfoUrl: merged.userinfoUrl.replace('{tenant}', t),
  };
}
