import type { Route } from '../../route.js';
import { userInfoResponse } from './userinfo.js';

/**
 * POST /v3/connect/userinfo: the same as GET, which OpenID Connect asks a server to accept too. It
 * reads no body: a token in a body the app's parser read as well as in the header is refused
 * (auth/placement.ts), as on every header-only route.
 */
export const connectUserInfoPost: Route = {
  method: 'POST',
  path: '/v3/connect/userinfo',
  family: 'oauth',
  readsBody: false,
  handler: userInfoResponse,
};
