import { credentialView } from '../../../../../connectors/views.js';
import { parseInput } from '../../../../../http/validate.js';
import type { Route } from '../../../../route.js';
import { callerConnectors } from '../../../caller.js';
import { v3Json } from '../../../envelope.js';
import { credentialCreateBody } from './input.js';

/**
 * POST /v3/connectors/{provider}/creds: 201 with the new credential, or 200 with the
 * existing one when the same name, type and data were sent before. The data is sealed and never returned.
 */
export const credentialsCreate: Route = {
  method: 'POST',
  path: '/v3/connectors/:provider/creds',
  family: 'v3',
  readsBody: true,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    const b = parseInput(credentialCreateBody, req.body);
    const { credential, created } = await connectors.createCredential(params['provider']!, {
      name: b.name,
      type: b.credential_type,
      data: b.credential_data,
    });
    return v3Json(created ? 201 : 200, { data: credentialView(credential) });
  },
};
