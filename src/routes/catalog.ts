import { lazyRoute } from './lazy.js';
import type { Route } from './route.js';

// Every route file, as the route table sees it before the file loads: its method, path, error
// format and whether it reads a body, and how to load it (see lazy.ts). families.ts groups them.

export const accountsDelete: Route = lazyRoute(
  { method: 'DELETE', path: '/a/:client_id/accounts/:account_id', family: 'v2', readsBody: false },
  async () => (await import('./v2/a/[client_id]/accounts/[account_id]/index.delete.js')).accountsDelete,
);

export const accountsGet: Route = lazyRoute(
  { method: 'GET', path: '/a/:client_id/accounts/:account_id', family: 'v2', readsBody: false },
  async () => (await import('./v2/a/[client_id]/accounts/[account_id]/index.get.js')).accountsGet,
);

export const tokenInfo: Route = lazyRoute(
  { method: 'POST', path: '/a/:client_id/accounts/:account_id/token-info', family: 'v2', readsBody: true },
  async () => (await import('./v2/a/[client_id]/accounts/[account_id]/token-info.post.js')).tokenInfo,
);

export const accountsList: Route = lazyRoute(
  { method: 'GET', path: '/a/:client_id/accounts', family: 'v2', readsBody: false },
  async () => (await import('./v2/a/[client_id]/accounts/index.get.js')).accountsList,
);

export const account: Route = lazyRoute(
  { method: 'GET', path: '/account', family: 'v2', readsBody: false },
  async () => (await import('./v2/account.get.js')).account,
);

export const connectAuthorize: Route = lazyRoute(
  { method: 'POST', path: '/connect/authorize', family: 'v2', readsBody: true },
  async () => (await import('./v2/connect/authorize.post.js')).connectAuthorize,
);

export const nativeConnectToken: Route = lazyRoute(
  { method: 'POST', path: '/connect/token', family: 'v2', readsBody: true },
  async () => (await import('./v2/connect/token.post.js')).connectToken,
);

export const oauthAuthorize: Route = lazyRoute(
  { method: 'GET', path: '/oauth/authorize', family: 'v2', readsBody: false },
  async () => (await import('./v2/oauth/authorize.get.js')).oauthAuthorize,
);

export const oauthCallback: Route = lazyRoute(
  { method: 'GET', path: '/oauth/callback/:provider', family: 'v2', readsBody: false },
  async () => (await import('./v2/oauth/callback/[provider].get.js')).oauthCallback,
);

export const oauthRevoke: Route = lazyRoute(
  { method: 'POST', path: '/oauth/revoke', family: 'v2', readsBody: false },
  async () => (await import('./v2/oauth/revoke.post.js')).oauthRevoke,
);

export const signinCredentials: Route = lazyRoute(
  { method: 'POST', path: '/oauth/signin/credentials', family: 'oauth', readsBody: true },
  async () => (await import('./v2/oauth/signin/credentials.post.js')).signinCredentials,
);

export const signinConsent: Route = lazyRoute(
  { method: 'POST', path: '/oauth/signin/consent', family: 'oauth', readsBody: true },
  async () => (await import('./v2/oauth/signin/consent.post.js')).signinConsent,
);

export const signinEmail: Route = lazyRoute(
  { method: 'POST', path: '/oauth/signin/email', family: 'oauth', readsBody: true },
  async () => (await import('./v2/oauth/signin/email.post.js')).signinEmail,
);

export const oauthTokenGet: Route = lazyRoute(
  { method: 'GET', path: '/oauth/token', family: 'v2', readsBody: false },
  async () => (await import('./v2/oauth/token.get.js')).oauthTokenGet,
);

export const oauthTokenPost: Route = lazyRoute(
  { method: 'POST', path: '/oauth/token', family: 'v2', readsBody: true },
  async () => (await import('./v2/oauth/token.post.js')).oauthTokenPost,
);

export const connectAuth: Route = lazyRoute(
  { method: 'GET', path: '/v3/connect/auth', family: 'v3', readsBody: false },
  async () => (await import('./v3/connect/auth.get.js')).connectAuth,
);

export const connectCustom: Route = lazyRoute(
  { method: 'POST', path: '/v3/connect/custom', family: 'v3', readsBody: true },
  async () => (await import('./v3/connect/custom.post.js')).connectCustom,
);

export const connectRevoke: Route = lazyRoute(
  { method: 'POST', path: '/v3/connect/revoke', family: 'oauth', readsBody: true },
  async () => (await import('./v3/connect/revoke.post.js')).connectRevoke,
);

export const connectTokenPreflight: Route = lazyRoute(
  { method: 'OPTIONS', path: '/v3/connect/token', family: 'oauth', readsBody: false },
  async () => (await import('./v3/connect/token.options.js')).connectTokenPreflight,
);

export const connectToken: Route = lazyRoute(
  { method: 'POST', path: '/v3/connect/token', family: 'oauth', readsBody: true },
  async () => (await import('./v3/connect/token.post.js')).connectToken,
);

export const connectTokenInfo: Route = lazyRoute(
  { method: 'GET', path: '/v3/connect/tokeninfo', family: 'oauth', readsBody: false },
  async () => (await import('./v3/connect/tokeninfo.get.js')).connectTokenInfo,
);

export const connectIntrospect: Route = lazyRoute(
  { method: 'POST', path: '/v3/connect/introspect', family: 'oauth', readsBody: true },
  async () => (await import('./v3/connect/introspect.post.js')).connectIntrospect,
);

export const connectUserInfoGet: Route = lazyRoute(
  { method: 'GET', path: '/v3/connect/userinfo', family: 'oauth', readsBody: false },
  async () => (await import('./v3/connect/userinfo.get.js')).connectUserInfoGet,
);

export const connectUserInfoPost: Route = lazyRoute(
  { method: 'POST', path: '/v3/connect/userinfo', family: 'oauth', readsBody: false },
  async () => (await import('./v3/connect/userinfo.post.js')).connectUserInfoPost,
);

export const credentialsDelete: Route = lazyRoute(
  { method: 'DELETE', path: '/v3/connectors/:provider/creds/:id', family: 'v3', readsBody: false },
  async () => (await import('./v3/connectors/[provider]/creds/[id].delete.js')).credentialsDelete,
);

export const credentialsFind: Route = lazyRoute(
  { method: 'GET', path: '/v3/connectors/:provider/creds/:id', family: 'v3', readsBody: false },
  async () => (await import('./v3/connectors/[provider]/creds/[id].get.js')).credentialsFind,
);

export const credentialsUpdate: Route = lazyRoute(
  { method: 'PATCH', path: '/v3/connectors/:provider/creds/:id', family: 'v3', readsBody: true },
  async () => (await import('./v3/connectors/[provider]/creds/[id].patch.js')).credentialsUpdate,
);

export const credentialsList: Route = lazyRoute(
  { method: 'GET', path: '/v3/connectors/:provider/creds', family: 'v3', readsBody: false },
  async () => (await import('./v3/connectors/[provider]/creds/index.get.js')).credentialsList,
);

export const credentialsCreate: Route = lazyRoute(
  { method: 'POST', path: '/v3/connectors/:provider/creds', family: 'v3', readsBody: true },
  async () => (await import('./v3/connectors/[provider]/creds/index.post.js')).credentialsCreate,
);

export const connectorsDelete: Route = lazyRoute(
  { method: 'DELETE', path: '/v3/connectors/:provider', family: 'v3', readsBody: false },
  async () => (await import('./v3/connectors/[provider]/index.delete.js')).connectorsDelete,
);

export const connectorsFind: Route = lazyRoute(
  { method: 'GET', path: '/v3/connectors/:provider', family: 'v3', readsBody: false },
  async () => (await import('./v3/connectors/[provider]/index.get.js')).connectorsFind,
);

export const connectorsPatch: Route = lazyRoute(
  { method: 'PATCH', path: '/v3/connectors/:provider', family: 'v3', readsBody: true },
  async () => (await import('./v3/connectors/[provider]/index.patch.js')).connectorsPatch,
);

export const connectorsPut: Route = lazyRoute(
  { method: 'PUT', path: '/v3/connectors/:provider', family: 'v3', readsBody: true },
  async () => (await import('./v3/connectors/[provider]/index.put.js')).connectorsPut,
);

export const connectorsList: Route = lazyRoute(
  { method: 'GET', path: '/v3/connectors', family: 'v3', readsBody: false },
  async () => (await import('./v3/connectors/index.get.js')).connectorsList,
);

export const connectorsCreate: Route = lazyRoute(
  { method: 'POST', path: '/v3/connectors', family: 'v3', readsBody: true },
  async () => (await import('./v3/connectors/index.post.js')).connectorsCreate,
);

export const grantsDelete: Route = lazyRoute(
  { method: 'DELETE', path: '/v3/grants/:grant_id', family: 'v3', readsBody: false },
  async () => (await import('./v3/grants/[grant_id].delete.js')).grantsDelete,
);

export const grantsFind: Route = lazyRoute(
  { method: 'GET', path: '/v3/grants/:grant_id', family: 'v3', readsBody: false },
  async () => (await import('./v3/grants/[grant_id].get.js')).grantsFind,
);

export const grantsUpdate: Route = lazyRoute(
  { method: 'PATCH', path: '/v3/grants/:grant_id', family: 'v3', readsBody: true },
  async () => (await import('./v3/grants/[grant_id].patch.js')).grantsUpdate,
);

export const grantsList: Route = lazyRoute(
  { method: 'GET', path: '/v3/grants', family: 'v3', readsBody: false },
  async () => (await import('./v3/grants/index.get.js')).grantsList,
);

export const providersDetect: Route = lazyRoute(
  { method: 'POST', path: '/v3/providers/detect', family: 'v3', readsBody: false },
  async () => (await import('./v3/providers/detect.post.js')).providersDetect,
);

export const openidConfiguration: Route = lazyRoute(
  { method: 'GET', path: '/.well-known/openid-configuration', family: 'oauth', readsBody: false },
  async () => (await import('./well-known/openid-configuration.get.js')).openidConfiguration,
);

export const oauthAuthorizationServer: Route = lazyRoute(
  { method: 'GET', path: '/.well-known/oauth-authorization-server', family: 'oauth', readsBody: false },
  async () => (await import('./well-known/oauth-authorization-server.get.js')).oauthAuthorizationServer,
);

export const jwks: Route = lazyRoute(
  { method: 'GET', path: '/.well-known/jwks.json', family: 'oauth', readsBody: false },
  async () => (await import('./well-known/jwks.json.get.js')).jwks,
);
