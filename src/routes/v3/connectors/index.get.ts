import { connectorView } from '../../../connectors/views.js';
import { queryObject } from '../../../http/body.js';
import { parseInput } from '../../../http/validate.js';
import type { Route } from '../../route.js';
import { callerConnectors } from '../caller.js';
import { v3Json } from '../envelope.js';
import { pageQuery } from './input.js';

/** GET /v3/connectors: the client's connectors, limit/offset paged. */
export const connectorsList: Route = {
  method: 'GET',
  path: '/v3/connectors',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req }) {
    const connectors = await callerConnectors(kit, req);
    const { limit, offset } = parseInput(pageQuery, queryObject(req.query));
    const all = await connectors.list();
    return v3Json(200, { data: all.slice(offset, offset + limit).map(connectorView), limit, offset });
  },
};
