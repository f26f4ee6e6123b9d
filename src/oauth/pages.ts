import { errorPage, escapeHtml, page } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';

/** One choice of the provider picker of hosted sign-in (drawn on the page shell of errors/pages.ts). */
export interface PickerChoice {
  readonly label: string;
  readonly href: string;
}

/** The provider picker: one link per configured provider, each the same request plus `provider`. */
export function pickerPage(choices: readonly PickerChoice[]): ResponseDescriptor {
  if (choices.length === 0) return errorPage(400, 'grant.provider_required', 'No sign-in provider is configured.');
  const links = choices.map((c) => `<a class="p" href="${escapeHtml(c.href)}">${escapeHtml(c.label)}</a>`).join('');
  return page(200, 'Choose how to sign in', links);
}
