import { v2Account } from '../../grants/views.js';
import { json } from '../../http/types.js';
import type { Route } from '../route.js';
import { bearerGrant } from './bearer.js';

/** GET /account: the account of the access token. Any valid token may read it. */
export const account: Route = {
  method: 'GET',
  path: '/account',
  family: 'v2',
  readsBody: false,
  async handler({ kit, req }) {
    const grant = await bearerGrant(kit, req);
    return json(200, v2Account(grant, kit.providers.get(grant.provider)?.organizationUnit ?? 'folder'));
  },
};
