import { submitCredentials } from '../../../../oauth/credential-sign-in.js';
import type { Route } from '../../../route.js';

/**
 * POST /oauth/signin/credentials: a hosted credential form (IMAP, the password providers, the
 * sandbox), v2 and v3 alike, which ends with a redirect to the app's callback.
 */
export const signinCredentials: Route = {
  method: 'POST',
  path: '/oauth/signin/credentials',
  family: 'oauth',
  readsBody: true,
  handler: ({ kit, req }) => submitCredentials(kit, req),
};
