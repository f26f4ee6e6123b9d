import { connectorView } from '../../../connectors/views.js';
import type { Route } from '../../route.js';
import { callerConnectors } from '../caller.js';
import { v3Json } from '../envelope.js';
import { connectorCreateInput } from './input.js';

/** POST /v3/connectors: 201 with the connector, its secret never echoed; 409 when the provider has one. */
export const connectorsCreate: Route = {
  method: 'POST',
  path: '/v3/connectors',
  family: 'v3',
  readsBody: true,
  async handler({ kit, req }) {
    const connectors = await callerConnectors(kit, req);
    const connector = await connectors.create(connectorCreateInput(req.body));
    return v3Json(201, { data: connectorView(connector) });
  },
};
