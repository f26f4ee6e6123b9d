import { credentialView } from '../../../../../connectors/views.js';
import { queryObject } from '../../../../../http/body.js';
import { parseInput } from '../../../../../http/validate.js';
import type { Route } from '../../../../route.js';
import { callerConnectors } from '../../../caller.js';
import { v3Json } from '../../../envelope.js';
import { pageQuery } from '../../input.js';

/** GET /v3/connectors/{provider}/creds: paged and sorted by created_at or updated_at. */
export const credentialsList: Route = {
  method: 'GET',
  path: '/v3/connectors/:provider/creds',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    const q = parseInput(pageQuery, queryObject(req.query));
    const key = q.sort_by === 'updated_at' || q.sort_by === 'updatedAt' ? 'updatedAt' : 'createdAt';
    const dir = q.order_by === 'asc' ? 1 : -1;
    const all = await connectors.listCredentials(params['provider']!);
    all.sort((a, b) => (a[key] - b[key]) * dir || (a.id < b.id ? -1 : 1));
    return v3Json(200, { data: all.slice(q.offset, q.offset + q.limit).map(credentialView), limit: q.limit, offset: q.offset });
  },
};
