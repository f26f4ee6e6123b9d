import type { Route } from '../../route.js';
import { userInfoResponse } from './userinfo.js';

/** POST /v3/connect/userinfo: the same as GET, which OpenID Connect asks a server to accept too. */
export const connectUserInfoPost: Route = {
  method: 'POST',
  path: '/v3/connect/userinfo',
  family: 'oauth',
  readsBody: false,
  handler: userInfoResponse,
};
