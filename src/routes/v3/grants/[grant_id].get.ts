import type { Route } from '../../route.js';
import { caller, namedGrant } from '../caller.js';
import { v3Json } from '../envelope.js';

/**
 * GET /v3/grants/{grant_id}, and GET /v3/grants/me with an access token. An API key reads
 * any grant of its client (by id or email); an access token reads only its own.
 */
export const grantsFind: Route = {
  method: 'GET',
  path: '/v3/grants/:grant_id',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const grant = await namedGrant(kit, await caller(kit, req), params['grant_id']!, true);
    return v3Json(200, { data: kit.grantView(grant) });
  },
};
