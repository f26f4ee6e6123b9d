import { connectorView } from '../../../../connectors/views.js';
import { GrantKitError } from '../../../../errors/error.js';
import type { Route } from '../../../route.js';
import { callerConnectors } from '../../caller.js';
import { v3Json } from '../../envelope.js';

/** GET /v3/connectors/{provider}: the client's connector for that provider, its secret never returned. */
export const connectorsFind: Route = {
  method: 'GET',
  path: '/v3/connectors/:provider',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    const connector = await connectors.get(params['provider']!);
    if (!connector) throw new GrantKitError('not_found', 'Connector not found.');
    return v3Json(200, { data: connectorView(connector) });
  },
};
