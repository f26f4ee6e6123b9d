import { connectorView } from '../../../../connectors/views.js';
import type { Route } from '../../../route.js';
import { callerConnectors } from '../../caller.js';
import { v3Json } from '../../envelope.js';
import { connectorPatchInput } from '../input.js';

/** PATCH /v3/connectors/{provider}, as Nylas documents it: a partial update. PUT does the same (index.put.ts). */
export const connectorsPatch: Route = {
  method: 'PATCH',
  path: '/v3/connectors/:provider',
  family: 'v3',
  readsBody: true,
  async handler({ kit, req, params }) {
    const connectors = await callerConnectors(kit, req);
    const connector = await connectors.update(params['provider']!, connectorPatchInput(req.body));
    return v3Json(200, { data: connectorView(connector) });
  },
};
