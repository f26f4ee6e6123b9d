import { grantView } from '../../../grants/v3-view.js';
import type { Route } from '../../route.js';
import { caller, namedGrant } from '../caller.js';
import { v3Json } from '../envelope.js';

/**
 * GET /v3/grants/{grant_id}, and GET /v3/grants/me with an access token. An API key reads
 * any grant of its client (by id or email); an access token reads only its own, with the scopes
 * the token acts with.
 */
export const grantsFind: Route = {
  method: 'GET',
  path: '/v3/grants/:grant_id',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const c = await caller(kit, req);
    const grant = await namedGrant(kit, c, params['grant_id']!, true);
    // An access token is shown its grant as it may act on it: its own scopes, not the grant's wider ones.
    return v3Json(200, { data: grantView(kit.keyring, c.kind === 'access' ? { ...grant, scopes: c.scopes } : grant) });
  },
};
