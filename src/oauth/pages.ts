import { errorPage, escapeHtml, formPage, page, type PageLook } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import type { PageMessage } from '../locales/index.js';
import type { IssuedPageFlow } from './page-flow.js';

/** One choice of the provider picker of hosted sign-in (drawn on the page shell of errors/pages.ts). */
export interface PickerChoice {
  readonly label: string;
  readonly href: string;
}

function links(choices: readonly PickerChoice[]): string {
  return choices.map((c) => `<a class="p" href="${escapeHtml(c.href)}">${escapeHtml(c.label)}</a>`).join('');
}

/**
 * The provider picker: one link per configured provider, each the same request plus `provider`.
 * `emailLink` (v3 `prompt=select_provider,detect`) offers the email page as well.
 */
export function pickerPage(choices: readonly PickerChoice[], emailLink: string | undefined, look: PageLook): ResponseDescriptor {
  if (choices.length === 0 && emailLink === undefined) return errorPage({ status: 400, type: 'grant.provider_required', message: 'noProvider' }, look);
  const email = emailLink === undefined ? '' : `<p><a href="${escapeHtml(emailLink)}">${escapeHtml(look.t.picker.emailInstead)}</a></p>`;
  return page(200, look.t.picker.title, links(choices) + email, look);
}

/** The hidden fields every sign-in form carries: its page flow and the flow's CSRF token. */
export function flowFields(f: IssuedPageFlow): string {
  return `<input type="hidden" name="flow" value="${escapeHtml(f.flow)}"><input type="hidden" name="csrf_token" value="${escapeHtml(f.csrfToken)}">`;
}

/** What a form shown again says went wrong, as an alert a screen reader announces. */
export function formError(error: PageMessage | undefined, look: PageLook): string {
  return error === undefined ? '' : `<p class="err" role="alert">${escapeHtml(look.t.messages[error])}</p>`;
}

export interface EmailPage {
  readonly action: string;
  readonly flow: IssuedPageFlow;
  readonly email: string | undefined;
  readonly error?: PageMessage;
  /** Other ways in, shown below the form (v2, and v3 `prompt=detect,select_provider`). */
  readonly choices: readonly PickerChoice[];
  /** Where a post may end up: the providers detection may send the user to, and the app's callback. */
  readonly targets: readonly string[];
  /** The user's language, and the client's look when it has one. */
  readonly look: PageLook;
}

/** The email page: the address (prefilled from `login_hint`) decides which provider comes next. */
export function emailPage(p: EmailPage): ResponseDescriptor {
  const w = p.look.t.email;
  const others = p.choices.length === 0 ? '' : `<p>${escapeHtml(w.orChoose)}</p>${links(p.choices)}`;
  const form =
    `<form method="post" action="${escapeHtml(p.action)}">${flowFields(p.flow)}` +
    `<label for="email">${escapeHtml(w.label)}</label>` +
    `<input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(p.email ?? '')}">` +
    `<button type="submit">${escapeHtml(w.submit)}</button></form>`;
  const d = formPage(p.error === undefined ? 200 : 400, w.title, formError(p.error, p.look) + form + others, p.targets, p.look);
  return { ...d, headers: { ...d.headers, 'set-cookie': p.flow.setCookie } };
}
