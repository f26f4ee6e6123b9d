import type { Route } from '../route.js';
import { discoveryResponse } from './discovery.js';

/** GET /.well-known/oauth-authorization-server: RFC 8414 metadata, the same document as OpenID's. */
export const oauthAuthorizationServer: Route = {
  method: 'GET',
  path: '/.well-known/oauth-authorization-server',
  family: 'oauth',
  readsBody: false,
  handler: discoveryResponse,
};
