import { GrantKitError } from '../../errors/error.js';
import { v2Account } from '../../grants/views.js';
import { json } from '../../http/types.js';
import type { Route } from '../route.js';

/** GET /account: the account of the access token. Any valid token may read it. */
export const account: Route = {
  method: 'GET',
  path: '/account',
  family: 'v2',
  readsBody: false,
  async handler({ kit, req }) {
    const grant = await kit.auth.bearer(req.headers.authorization, { url: req.path });
    if (grant instanceof GrantKitError) throw grant;
    return json(200, v2Account(grant, kit.providers.get(grant.provider)?.organizationUnit ?? 'folder'));
  },
};
