import { credentialView } from '../../../../../connectors/views.js';
import { parseInput } from '../../../../../http/validate.js';
import type { Route } from '../../../../route.js';
import { callerConnectors } from '../../../caller.js';
import { v3Json } from '../../../envelope.js';
import { credentialUpdateBody } from './input.js';

/** PATCH /v3/connectors/{provider}/creds/{id}: a new name and/or new data (re-sealed). */
export const credentialsUpdate: Route = {
  method: 'PATCH',
  path: '/v3/connectors/:provider/creds/:id',
  family: 'v3',
  readsBody: true,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    const b = parseInput(credentialUpdateBody, req.body);
    const credential = await connectors.updateCredential(params['provider']!, params['id']!, {
      ...(b.name === undefined ? {} : { name: b.name }),
      ...(b.credential_data === undefined ? {} : { data: b.credential_data }),
    });
    return v3Json(200, { data: credentialView(credential) });
  },
};
