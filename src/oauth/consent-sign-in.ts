import * as z from 'zod';
import { GrantKitError } from '../errors/error.js';
import { PAGE_HEADERS } from '../errors/pages.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import { signInRefused, toApp } from './authorize-errors.js';
import { authorizationResponseUri } from './callback-uri.js';
import { providerStep } from './provider-step.js';
import { expiredForm, takeSignInForm } from './sign-in-forms.js';

export const consentForm = z.object({ flow: z.string().max(128), csrf_token: z.string().max(128), decision: z.enum(['accept', 'decline']) });

/**
 * POST /oauth/signin/consent: the consent screen's answer. Its page flow is consumed (CSRF token
 * and cookie checked) whichever button was pressed. Allow goes on to the provider step the
 * screen stood in front of; Decline answers 303 to the app's callback with `error=access_denied`
 * and the state (RFC 6749 section 4.1.2.1): the callback URI was checked when the flow began.
 */
export async function submitConsent(kit: KitContext, req: RequestLike): Promise<ResponseDescriptor> {
  const posted = await takeSignInForm(kit, req, consentForm);
  if (!('form' in posted)) return posted;
  const { form, taken } = posted;
  if (taken?.provider === undefined || taken.step !== 'consent') return expiredForm(req);
  const { request: r, provider } = taken;
  if (form.decision === 'decline') {
    kit.audit?.emit({ type: 'signin.failed', flow: 'hosted', api: r.api, clientId: r.clientId, provider, reason: 'access_denied' });
    const declined = { error: 'access_denied', error_description: 'The user declined to give access.', state: r.state };
    const location = authorizationResponseUri(kit.options.issuer, r.redirectUri, declined);
    return { status: 303, headers: { location, ...PAGE_HEADERS } };
  }
  try {
    return await providerStep(kit, r, provider, true);
  } catch (e) {
    if (e instanceof GrantKitError && e.status < 500) return signInRefused(kit, { api: r.api, clientId: r.clientId, provider }, toApp(kit, r), e);
    throw e;
  }
}
