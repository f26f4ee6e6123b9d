import type { Route } from '../../route.js';
import { userInfoResponse } from './userinfo.js';

/**
 * POST /v3/connect/userinfo: the same as GET, which OpenID Connect asks a server to accept too. The
 * body is read only so that a token sent in it as well as in the header is refused (auth/placement.ts).
 */
export const connectUserInfoPost: Route = {
  method: 'POST',
  path: '/v3/connect/userinfo',
  family: 'oauth',
  readsBody: true,
  handler: userInfoResponse,
};
