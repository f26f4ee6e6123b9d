import { grantView } from '../../../grants/v3-view.js';
import { authenticateCustom } from '../../../flows/custom.js';
import type { Route } from '../../route.js';
import { apiKeyCaller } from '../caller.js';
import { v3Json } from '../envelope.js';

/**
 * POST /v3/connect/custom (custom authentication): 201 with the new grant, or 200
 * with the re-authenticated one (same email, same id).
 */
export const connectCustom: Route = {
  method: 'POST',
  path: '/v3/connect/custom',
  family: 'v3',
  readsBody: true,
  async handler({ kit, req }) {
    const c = await apiKeyCaller(kit, req);
    const { grant, created } = await authenticateCustom(kit, c.clientId, req.body, req.ip);
    return v3Json(created ? 201 : 200, { data: grantView(kit.keyring, grant) });
  },
};
