import type { Route } from '../route.js';
import { discoveryResponse } from './discovery.js';

/** GET /.well-known/openid-configuration: OpenID Connect Discovery, under the issuer. */
export const openidConfiguration: Route = {
  method: 'GET',
  path: '/.well-known/openid-configuration',
  family: 'oauth',
  readsBody: false,
  handler: discoveryResponse,
};
