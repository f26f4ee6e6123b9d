import { json, NO_STORE, type ResponseDescriptor } from '../../../http/types.js';
import { userInfo } from '../../../oauth/userinfo.js';
import type { RouteContext } from '../../route.js';
import { caller } from '../caller.js';

/**
 * The answer of GET and POST /v3/connect/userinfo (OpenID Connect asks for both): the access token
 * in the Authorization header, and only there (auth/placement.ts); a missing or dead one is 401
 * with the Bearer challenge (RFC 6750 section 3).
 */
export async function userInfoResponse({ kit, req }: RouteContext): Promise<ResponseDescriptor> {
  return json(200, userInfo(kit, await caller(kit, req)), { ...NO_STORE });
}
