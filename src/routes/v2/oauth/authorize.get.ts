import { authorizeV2 } from '../../../oauth/authorize.js';
import type { Route } from '../../route.js';

/** GET /oauth/authorize: v2 hosted sign-in, which ends with a redirect to the app's callback. */
export const oauthAuthorize: Route = {
  method: 'GET',
  path: '/oauth/authorize',
  family: 'v2',
  readsBody: false,
  handler: ({ kit, req }) => authorizeV2(kit, req),
};
