import { errorPage, escapeHtml, formPage, page, type PageTheme } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
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
export function pickerPage(choices: readonly PickerChoice[], emailLink?: string, theme?: PageTheme): ResponseDescriptor {
  if (choices.length === 0 && emailLink === undefined) return errorPage(400, 'grant.provider_required', 'No sign-in provider is configured.', theme);
  const email = emailLink === undefined ? '' : `<p><a href="${escapeHtml(emailLink)}">Sign in with your email address instead</a></p>`;
  return page(200, 'Choose how to sign in', links(choices) + email, theme);
}

/** The hidden fields every sign-in form carries: its page flow and the flow's CSRF token. */
export function flowFields(f: IssuedPageFlow): string {
  return `<input type="hidden" name="flow" value="${escapeHtml(f.flow)}"><input type="hidden" name="csrf_token" value="${escapeHtml(f.csrfToken)}">`;
}

export interface EmailPage {
  readonly action: string;
  readonly flow: IssuedPageFlow;
  readonly email: string | undefined;
  readonly error?: string;
  /** Other ways in, shown below the form (v2, and v3 `prompt=detect,select_provider`). */
  readonly choices: readonly PickerChoice[];
  /** Where a post may end up: the providers detection may send the user to, and the app's callback. */
  readonly targets: readonly string[];
  /** The client's look, when it has one. */
  readonly theme?: PageTheme | undefined;
}

/** The email page: the address (prefilled from `login_hint`) decides which provider comes next. */
export function emailPage(p: EmailPage): ResponseDescriptor {
  const error = p.error === undefined ? '' : `<p class="err" role="alert">${escapeHtml(p.error)}</p>`;
  const others = p.choices.length === 0 ? '' : `<p>Or choose your provider:</p>${links(p.choices)}`;
  const form =
    `<form method="post" action="${escapeHtml(p.action)}">${flowFields(p.flow)}` +
    `<label for="email">Email address</label>` +
    `<input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(p.email ?? '')}">` +
    `<button type="submit">Continue</button></form>`;
  const d = formPage(p.error === undefined ? 200 : 400, 'Sign in', error + form + others, p.targets, p.theme);
  return { ...d, headers: { ...d.headers, 'set-cookie': p.flow.setCookie } };
}
