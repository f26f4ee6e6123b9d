import { isBasicScheme, withClientChallenge } from '../../../auth/client-auth.js';
import { GrantKitError } from '../../../errors/error.js';
import { renderError } from '../../../errors/formats.js';
import { json, NO_STORE } from '../../../http/types.js';
import { exchangeV3 } from '../../../oauth/token.js';
import type { Route } from '../../route.js';
import { corsHeaders } from './cors.js';

/** POST /v3/connect/token: flat JSON, OAuth-style errors, never cached, CORS for configured origins. */
export const connectToken: Route = {
  method: 'POST',
  path: '/v3/connect/token',
  family: 'oauth',
  readsBody: true,
  async handler({ kit, req }) {
    const hosted = kit;
    const cors = corsHeaders(hosted.hosted.corsOrigins, req.headers.origin);
    try {
      return json(200, await kit.limits.secret(req.ip, () => exchangeV3(hosted, req.body, req.headers.authorization)), { ...NO_STORE, ...cors });
    } catch (e) {
      if (!(e instanceof GrantKitError)) throw e;
      // A client that tried HTTP Basic and failed gets 401 with a Basic challenge (RFC 6749 section 5.2).
      const d = renderError(withClientChallenge(e, isBasicScheme(req.headers.authorization), kit.options.realm), 'oauth');
      return { ...d, headers: { ...d.headers, ...NO_STORE, ...cors } };
    }
  },
};
