import { deleteGrant } from '../../../grants/lifecycle.js';
import type { Route } from '../../route.js';
import { apiKeyCaller, namedGrant } from '../caller.js';
import { v3Json } from '../envelope.js';

/**
 * DELETE /v3/grants/{grant_id}: the grant and every token of it, for good. A grant made
 * through the v2 flow is the same object and goes the same way. Answers `{request_id}`: the SDK
 * parses every 2xx body.
 */
export const grantsDelete: Route = {
  method: 'DELETE',
  path: '/v3/grants/:grant_id',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const grant = await namedGrant(kit, await apiKeyCaller(kit, req), params['grant_id']!, false);
    await deleteGrant(kit, grant);
    return v3Json(200, {});
  },
};
