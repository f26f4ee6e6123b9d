import { escapeHtml, formPage, type PageLook } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import type { Catalogue } from '../locales/index.js';
import { describeScopes, type ScopeWords, type ScopeWordsVocabulary } from '../scopes/plain-words.js';
import { providerLabel } from './credential-providers.js';
import { savePageFlow, type IssuedPageFlow } from './page-flow.js';
import { lookOf } from './page-look.js';
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
  /** What the app will be able to do: the scopes' descriptions, one line each in the page's language. */
  readonly abilities: readonly ScopeWords[];
  /** The user's language, and the client's look (its name stands for the app). */
  readonly look: PageLook;
  /** Where the post's answer may redirect: the app's callback and the provider's sign-in page. */
  readonly targets: readonly string[];
}

/** One scope's line in catalogue `t`: its own words, or the scope as it is when no table describes it. */
function wordsOf(w: ScopeWords, t: Catalogue): string {
  if ('v2' in w) return t.scopes.v2[w.v2];
  return 'meaning' in w ? t.scopes.provider[w.meaning] : w.scope;
}

export function consentPage(p: ConsentPage): ResponseDescriptor {
  const { t, theme } = p.look;
  const w = t.consent;
  // Two scopes may read the same in a language: each line once.
  const lines = [...new Set(p.abilities.map((a) => wordsOf(a, t)))];
  const list = lines.length === 0 ? `<p>${escapeHtml(w.nothing)}</p>` : `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`;
  const inner =
    `<p>${escapeHtml(w.intro(theme?.name ?? w.thisApp, providerLabel(p.provider, t)))}</p>${list}` +
    `<form method="post" action="${escapeHtml(p.action)}">${flowFields(p.flow)}` +
    `<button type="submit" name="decision" value="accept">${escapeHtml(w.allow)}</button>` +
    `<button type="submit" name="decision" value="decline">${escapeHtml(w.decline)}</button></form>`;
  const d = formPage(200, w.title, inner, p.targets, p.look);
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
    look: lookOf(kit, r),
    targets,
  });
}
