import { readAuthorization } from '../../../auth/credentials.js';
import { redeemNative } from '../../../flows/native.js';
import { v2Account } from '../../../grants/views.js';
import { json, NO_STORE } from '../../../http/types.js';
import type { Route } from '../../route.js';

/** POST /connect/token → the account object with `access_token`. */
export const connectToken: Route = {
  method: 'POST',
  path: '/connect/token',
  family: 'v2',
  readsBody: true,
  async handler({ kit, req }) {
    const { grant, accessToken } = await redeemNative(kit, req.body, readAuthorization(req.headers.authorization));
    const unit = kit.providers.get(grant.provider)?.organizationUnit ?? 'folder';
    return json(200, { ...v2Account(grant, unit), access_token: accessToken }, { ...NO_STORE });
  },
};
