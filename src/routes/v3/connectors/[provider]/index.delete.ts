import { GrantKitError } from '../../../../errors/error.js';
import type { Route } from '../../../route.js';
import { callerConnectors } from '../../caller.js';
import { v3Json } from '../../envelope.js';

/** DELETE /v3/connectors/{provider}: its credentials go too, and its grants stop working. */
export const connectorsDelete: Route = {
  method: 'DELETE',
  path: '/v3/connectors/:provider',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    if (!(await connectors.delete(params['provider']!))) throw new GrantKitError('not_found', 'Connector not found.');
    return v3Json(200, {});
  },
};
