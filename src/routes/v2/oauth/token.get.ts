import { queryObject } from '../../../http/body.js';
import { json, NO_STORE } from '../../../http/types.js';
import { exchangeV2 } from '../../../oauth/token.js';
import type { Route } from '../../route.js';

/** GET /oauth/token with the code exchange in the query, as the v6 SDK sends it. */
export const oauthTokenGet: Route = {
  method: 'GET',
  path: '/oauth/token',
  family: 'v2',
  readsBody: false,
  handler: async ({ kit, req }) => json(200, await exchangeV2(kit, queryObject(req.query)), { ...NO_STORE }),
};
