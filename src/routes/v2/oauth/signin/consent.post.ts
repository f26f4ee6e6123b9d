import { submitConsent } from '../../../../oauth/consent-sign-in.js';
import type { Route } from '../../../route.js';

/**
 * POST /oauth/signin/consent: the hosted consent screen's answer (v2 and v3 alike): Allow goes on
 * to the provider's step, Decline back to the app with `error=access_denied`.
 */
export const signinConsent: Route = {
  method: 'POST',
  path: '/oauth/signin/consent',
  family: 'oauth',
  readsBody: true,
  handler: ({ kit, req }) => submitConsent(kit, req),
};
