import type { Route } from '../../../route.js';
import { connectorsPatch } from './index.patch.js';

/** PUT /v3/connectors/{provider}: the v8 SDK sends its updates as PUT; a partial update, as PATCH. */
export const connectorsPut: Route = { ...connectorsPatch, method: 'PUT' };
