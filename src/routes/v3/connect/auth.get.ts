import { authorizeV3 } from '../../../oauth/authorize.js';
import type { Route } from '../../route.js';

/** GET /v3/connect/auth: v3 hosted sign-in, which ends with a redirect to the app's callback. */
export const connectAuth: Route = {
  method: 'GET',
  path: '/v3/connect/auth',
  family: 'v3',
  readsBody: false,
  handler: ({ kit, req }) => authorizeV3(kit, req),
};
