import type { Route } from '../../route.js';
import { userInfoResponse } from './userinfo.js';

/** GET /v3/connect/userinfo: who the access token's user is (OpenID Connect UserInfo). */
export const connectUserInfoGet: Route = {
  method: 'GET',
  path: '/v3/connect/userinfo',
  family: 'oauth',
  readsBody: false,
  handler: userInfoResponse,
};
