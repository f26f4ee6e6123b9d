import { json, NO_STORE } from '../../../http/types.js';
import { introspect } from '../../../oauth/introspection.js';
import type { Route } from '../../route.js';

/** POST /v3/connect/introspect (RFC 7662): client-authenticated, under the per-IP secret limit. */
export const connectIntrospect: Route = {
  method: 'POST',
  path: '/v3/connect/introspect',
  family: 'oauth',
  readsBody: true,
  async handler({ kit, req }) {
    return json(200, await kit.limits.secret(req.ip, () => introspect(kit, req.body, req.headers.authorization)), { ...NO_STORE });
  },
};
