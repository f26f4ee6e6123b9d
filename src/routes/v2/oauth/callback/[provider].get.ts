import { hostedCallback } from '../../../../oauth/callback.js';
import type { Route } from '../../../route.js';

/** GET /oauth/callback/:provider: where Google, Microsoft or the oauth2 provider send the user back. */
export const oauthCallback: Route = {
  method: 'GET',
  path: '/oauth/callback/:provider',
  family: 'v2',
  readsBody: false,
  handler: ({ kit, req, params }) => hostedCallback(kit, params['provider'] ?? '', req),
};
