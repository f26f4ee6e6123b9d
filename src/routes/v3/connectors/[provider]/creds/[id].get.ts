import { credentialView } from '../../../../../connectors/views.js';
import { GrantKitError } from '../../../../../errors/error.js';
import type { Route } from '../../../../route.js';
import { callerConnectors } from '../../../caller.js';
import { v3Json } from '../../../envelope.js';

/** GET /v3/connectors/{provider}/creds/{id}: one credential of the connector, its data never returned. */
export const credentialsFind: Route = {
  method: 'GET',
  path: '/v3/connectors/:provider/creds/:id',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    const credential = await connectors.getCredential(params['provider']!, params['id']!);
    if (!credential) throw new GrantKitError('not_found', 'Credential not found.');
    return v3Json(200, { data: credentialView(credential) });
  },
};
