import * as z from 'zod';
import { GrantKitError } from '../errors/error.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import type { Detection } from '../providers/detect.js';
import { presetNameForEmail } from '../providers/mail-presets.js';
import type { PageMessage } from '../locales/index.js';
import { signInRefused, toApp } from './authorize-errors.js';
import { savePageFlow } from './page-flow.js';
import { lookOf } from './page-look.js';
import { emailPage, pickerPage } from './pages.js';
import { pickerChoices, providerAvailable, providerStep, upstreamTargets } from './provider-step.js';
import { EMAIL, expiredForm, takeSignInForm } from './sign-in-forms.js';
import { signInUrl, type SignInRequest } from './sign-in-request.js';

/** v3 `prompt` values: the picker, the email page, or one first with a way to the other. */
export type Prompt = readonly ('select_provider' | 'detect')[];

/** The prompt the request was made with (read back from its query), for pages shown again. */
export function promptOf(r: SignInRequest): Prompt {
  const raw = new URLSearchParams(r.query).get('prompt') ?? '';
  return raw.split(',').map((s) => s.trim()).filter((s): s is 'select_provider' | 'detect' => s === 'select_provider' || s === 'detect');
}

/**
 * The email page, with a new page flow behind it. v2, and v3 `prompt=detect,select_provider`,
 * also list the providers to choose from.
 */
export async function showEmailPage(kit: KitContext, r: SignInRequest, state: { email?: string | undefined; error?: PageMessage }): Promise<ResponseDescriptor> {
  const action = signInUrl(kit, 'email');
  const lists = r.api === 'v2' || promptOf(r).includes('select_provider');
  const choices = lists ? await pickerChoices(kit, r) : [];
  const flow = await savePageFlow(kit, { request: r }, kit.hosted.publicUrl!);
  const targets = await upstreamTargets(kit, r);
  return emailPage({ action, flow, email: state.email ?? r.loginHint, choices, targets, look: lookOf(kit, r), ...(state.error !== undefined ? { error: state.error } : {}) });
}

/**
 * The provider names a detection stands for in each API, most specific first. A Microsoft
 * consumer address can also be Hotmail or Outlook.com with an app password (v2 names them).
 */
export function candidatesOf(found: Detection | undefined, email: string, api: 'v2' | 'v3'): string[] {
  if (found === undefined) return [];
  switch (found.provider) {
    case 'google':
      return [api === 'v2' ? 'gmail' : 'google'];
    case 'microsoft': {
      const preset = presetNameForEmail(email);
      return api === 'v2' ? ['office365', ...(preset === undefined ? [] : [preset])] : ['microsoft'];
    }
    case 'yahoo':
    case 'icloud':
      return [found.provider, 'imap'];
    default:
      return api === 'v2' && found.type === 'aol' ? ['aol', 'imap'] : ['imap'];
  }
}

export const emailForm = z.object({ flow: z.string().max(128), csrf_token: z.string().max(128), email: z.string().max(320) });

/**
 * POST /oauth/signin/email: the address typed on the email page. Detection (providers/detect.ts)
 * names its provider, and the first of its names this client can sign in with is the next step:
 * the OAuth provider's redirect or a credential form. An address detection cannot place, or whose
 * provider is not configured, gets the picker of configured providers.
 */
export async function submitEmail(kit: KitContext, req: RequestLike): Promise<ResponseDescriptor> {
  const posted = await takeSignInForm(kit, req, emailForm);
  if (!('form' in posted)) return posted;
  const { form, taken } = posted;
  if (taken === undefined || taken.provider !== undefined) return expiredForm(req);
  const r = taken.request;
  try {
    const email = form.email.trim();
    if (!EMAIL.test(email)) return await showEmailPage(kit, r, { email, error: 'enterEmail' });
    const next: SignInRequest = { ...r, loginHint: email };
    for (const provider of candidatesOf(await kit.detector.detect(email), email, r.api)) {
      if (await providerAvailable(kit, next, provider)) return await providerStep(kit, next, provider);
    }
    return pickerPage(await pickerChoices(kit, next, undefined, { login_hint: email }), undefined, lookOf(kit, r));
  } catch (e) {
    if (e instanceof GrantKitError && e.status < 500) return signInRefused(kit, { api: r.api, clientId: r.clientId }, toApp(kit, r), e);
    throw e;
  }
}
