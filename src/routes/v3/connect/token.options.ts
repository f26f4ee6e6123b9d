import type { Route } from '../../route.js';
import { preflightHeaders } from './cors.js';

/** OPTIONS /v3/connect/token: the CORS preflight of a single-page app's token request. */
export const connectTokenPreflight: Route = {
  method: 'OPTIONS',
  path: '/v3/connect/token',
  family: 'oauth',
  readsBody: false,
  async handler({ kit, req }) {
    return { status: 204, headers: preflightHeaders(kit.hosted.corsOrigins, req.headers.origin) };
  },
};
