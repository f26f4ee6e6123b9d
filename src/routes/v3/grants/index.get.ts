import { grantView } from '../../../grants/v3-view.js';
import * as z from 'zod';
import { queryObject } from '../../../http/body.js';
import { parseInput } from '../../../http/validate.js';
import type { Route } from '../../route.js';
import { apiKeyCaller } from '../caller.js';
import { v3Json } from '../envelope.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The filters Nylas documents for listing grants. Parameters grantkit has no data for (ip, account_id, workspace_id...) are accepted and ignored. */
export const grantsQuery = z.object({
  limit: int(1, 200).default(10),
  offset: int(0, 1_000_000).default(0),
  sort_by: z.enum(['created_at', 'updated_at']).default('created_at'),
  order_by: z.enum(['asc', 'desc']).default('desc'),
  since: int(0, 1e11).optional(),
  before: int(0, 1e11).optional(),
  email: z.string().max(320).optional(),
  grant_status: z.enum(['valid', 'invalid']).optional(),
  provider: z.string().max(64).optional(),
});

/** GET /v3/grants: the API key's client's grants, filtered, sorted and paged. */
export const grantsList: Route = {
  method: 'GET',
  path: '/v3/grants',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req }) {
    const c = await apiKeyCaller(kit, req);
    const q = parseInput(grantsQuery, queryObject(req.query));
    const grants = await kit.store.listGrants({
      clientId: c.clientId,
      ...(q.email === undefined ? {} : { email: q.email }),
      ...(q.provider === undefined ? {} : { provider: q.provider }),
      ...(q.grant_status === undefined ? {} : { status: q.grant_status }),
      ...(q.since === undefined ? {} : { since: q.since * 1000 }),
      ...(q.before === undefined ? {} : { before: q.before * 1000 }),
      sortBy: q.sort_by === 'created_at' ? 'createdAt' : 'updatedAt',
      order: q.order_by,
      limit: q.limit,
      offset: q.offset,
    });
    return v3Json(200, { data: grants.map((g) => grantView(kit.keyring, g)), limit: q.limit, offset: q.offset });
  },
};
