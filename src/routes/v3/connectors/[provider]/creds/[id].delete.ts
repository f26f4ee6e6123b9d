import type { Route } from '../../../../route.js';
import { callerConnectors } from '../../../caller.js';
import { v3Json } from '../../../envelope.js';

/** DELETE /v3/connectors/{provider}/creds/{id}: the connector's active credential is refused. */
export const credentialsDelete: Route = {
  method: 'DELETE',
  path: '/v3/connectors/:provider/creds/:id',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    await connectors.deleteCredential(params['provider']!, params['id']!);
    return v3Json(200, {});
  },
};
