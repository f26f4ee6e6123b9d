import { accessTokenOf, readAuthorization } from '../../../auth/credentials.js';
import { hashSecret } from '../../../crypto/tokens.js';
import { revokeToken } from '../../../grants/revocation.js';
import type { Route } from '../../route.js';
import { bearerGrant } from '../bearer.js';

/**
 * POST /oauth/revoke: the token authenticates itself and is revoked. 200 with an empty body,
 * which every v2 SDK reads as success.
 */
export const oauthRevoke: Route = {
  method: 'POST',
  path: '/oauth/revoke',
  family: 'v2',
  readsBody: false,
  async handler({ kit, req }) {
    await bearerGrant(kit, req);
    const token = accessTokenOf(readAuthorization(req.headers.authorization))!;
    await revokeToken(kit, hashSecret(token));
    return { status: 200, headers: {} };
  },
};
