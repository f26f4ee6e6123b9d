import { readAuthorization } from '../../../auth/credentials.js';
import { authorizeNative } from '../../../flows/native.js';
import { json, NO_STORE } from '../../../http/types.js';
import type { Route } from '../../route.js';

/** POST /connect/authorize → `{code}` (and `warnings` when a provider rule has a caveat). */
export const connectAuthorize: Route = {
  method: 'POST',
  path: '/connect/authorize',
  family: 'v2',
  readsBody: true,
  async handler({ kit, req }) {
    const { code, warnings } = await authorizeNative(kit, req.body, readAuthorization(req.headers.authorization), req.ip);
    return json(200, warnings.length > 0 ? { code, warnings } : { code }, { ...NO_STORE });
  },
};
