import { escapeHtml, formPage, type PageTheme } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import { describeScopes, type ScopeWordsVocabulary } from '../scopes/plain-words.js';
import { providerLabel } from './credential-providers.js';
import { savePageFlow, type IssuedPageFlow } from './page-flow.js';
import { flowFields } from './pages.js';
import { signInUrl, type SignInRequest } from './sign-in-request.js';

/**
 * The consent screen of a client with `consent: true`: what the app will be able to do, in plain
 * words, before the provider step (the redirect to the provider, or the credential form). Allow
 * posts the page flow on to that step; Decline sends the user back to the app with
 * `error=access_denied`. Both are one form, so both carry the flow's CSRF token.
 */
export interface ConsentPage {
  readonly action: string;
  readonly flow: IssuedPageFlow;
  readonly provider: string;
  /** What the app will be able to do, one line each, already in plain words. */
  readonly abilities: readonly string[];
  readonly theme: PageTheme | undefined;
  /** Where the post's answer may redirect: the app's callback and the provider's sign-in page. */
  readonly targets: readonly string[];
}

export function consentPage(p: ConsentPage): ResponseDescriptor {
  const app = escapeHtml(p.theme?.name ?? 'This app');
  const list = p.abilities.length === 0 ? '<p>No access to your data beyond your address.</p>' : `<ul>${p.abilities.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`;
  const inner =
    `<p>${app} is asking to connect to your ${escapeHtml(providerLabel(p.provider))} account. It will be able to:</p>${list}` +
    `<form method="post" action="${escapeHtml(p.action)}">${flowFields(p.flow)}` +
    `<button type="submit" name="decision" value="accept">Allow</button>` +
    `<button type="submit" name="decision" value="decline">Decline</button></form>`;
  const d = formPage(200, 'Allow access to your account', inner, p.targets, p.theme);
  return { ...d, headers: { ...d.headers, 'set-cookie': p.flow.setCookie } };
}

/** What the consent screen lists: the scopes the sign-in will ask for, and the vocabulary they are in. */
export interface ConsentScopes {
  readonly scopes: readonly string[];
  readonly vocabulary: ScopeWordsVocabulary;
}

/** Shows the consent screen for this request and provider, with a new page flow behind it. */
export async function showConsentPage(
  kit: KitContext,
  r: SignInRequest,
  provider: string,
  asked: ConsentScopes,
  targets: readonly string[],
): Promise<ResponseDescriptor> {
  const flow = await savePageFlow(kit, { request: r, provider, step: 'consent' }, kit.hosted.publicUrl!);
  return consentPage({
    action: signInUrl(kit, 'consent'),
    flow,
    provider,
    abilities: describeScopes(asked.scopes, asked.vocabulary),
    theme: kit.clients.get(r.clientId)?.theme,
    targets,
  });
}
