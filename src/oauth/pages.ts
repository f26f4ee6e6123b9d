import type { ResponseDescriptor } from '../http/types.js';

/**
 * The few HTML pages hosted OAuth shows the user: an error page (never a redirect when the client
 * or its callback URI is in doubt) and the provider picker. Auth pages must not leak their URL
 * through Referer or be framed (RFC 9700 §4.2, §4.16).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(status: number, title: string, inner: string): ResponseDescriptor {
  const content =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHtml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}` +
    `a.p{display:block;padding:.75rem 1rem;margin:.5rem 0;border:1px solid #ccc;border-radius:.5rem;text-decoration:none;color:inherit}</style>` +
    `</head><body><h1>${escapeHtml(title)}</h1>${inner}</body></html>`;
  return { status, headers: { ...PAGE_HEADERS }, text: { contentType: 'text/html; charset=utf-8', content } };
}

/** An error shown to the user. `type` is the machine-readable reason (e.g. `grant.callback_uri_not_allowed`). */
export function errorPage(status: number, type: string, message: string): ResponseDescriptor {
  return page(status, 'Sign-in failed', `<p>${escapeHtml(message)}</p><p><code data-error-type>${escapeHtml(type)}</code></p>`);
}

/**
 * A rate-limited sign-in: 429 with Retry-After, and a page that says when to try again (the
 * user's browser does not read headers).
 */
export function rateLimitedPage(retryAfterSeconds: number): ResponseDescriptor {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const when = retryAfterSeconds < 60 ? `${retryAfterSeconds} seconds` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const d = page(429, 'Too many attempts', `<p>Too many sign-in attempts. Try again in ${escapeHtml(when)}.</p><p><code data-error-type>rate_limit_error</code></p>`);
  return { ...d, headers: { ...d.headers, 'retry-after': String(retryAfterSeconds) } };
}

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
