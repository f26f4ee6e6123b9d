import { submitEmail } from '../../../../oauth/email-step.js';
import type { Route } from '../../../route.js';

/**
 * POST /oauth/signin/email: the hosted email page's form (v2 and v3 alike), which leads to the
 * detected provider's step. Answers are pages and redirects, like the rest of hosted sign-in.
 */
export const signinEmail: Route = {
  method: 'POST',
  path: '/oauth/signin/email',
  family: 'oauth',
  readsBody: true,
  handler: ({ kit, req }) => submitEmail(kit, req),
};
