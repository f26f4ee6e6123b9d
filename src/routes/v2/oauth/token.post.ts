import { json, NO_STORE } from '../../../http/types.js';
import { exchangeV2 } from '../../../oauth/token.js';
import type { Route } from '../../route.js';

/** POST /oauth/token with a form or JSON body, as the Python, Ruby and Java SDKs send it. */
export const oauthTokenPost: Route = {
  method: 'POST',
  path: '/oauth/token',
  family: 'v2',
  readsBody: true,
  handler: async ({ kit, req }) => json(200, await exchangeV2(kit, req.body), { ...NO_STORE }),
};
