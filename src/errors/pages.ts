import type { ResponseDescriptor } from '../http/types.js';
import type { Catalogue, PageMessage, Wait } from '../locales/index.js';
import type { GrantKitError } from './error.js';
import { escapeHtml } from './escape-html.js';
import { pageMessage } from './page-problem.js';
import { imgSrcDirective, themeHeader, themeStyle, type PageTheme } from './page-theme.js';

export { escapeHtml } from './escape-html.js';
export type { PageTheme } from './page-theme.js';

/**
 * Errors as HTML, for the requests a user's browser makes during hosted sign-in: an error page
 * (never a redirect when the client or its callback URI is in doubt) and the rate-limit page, on
 * the one page shell that every sign-in page uses (the provider picker too). Sign-in pages and
 * their redirects must not leak their URL through Referer or be framed (RFC 9700 sections 4.2
 * and 4.16), hence the headers.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
};

/** How a page looks to the user it is shown to: in their language, and in the client's theme when the client is known. */
export interface PageLook {
  readonly t: Catalogue;
  readonly theme?: PageTheme | undefined;
}

const STYLE =
  'body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}' +
  'a.p{display:block;padding:.75rem 1rem;margin:.5rem 0;border:1px solid #ccc;border-radius:.5rem;text-decoration:none;color:inherit}' +
  'label{display:block;margin:.75rem 0 .25rem}input,select{font:inherit;width:100%;box-sizing:border-box;padding:.5rem}' +
  'button{font:inherit;margin:1rem .5rem 0 0;padding:.6rem 1.2rem}p.err{color:#a00}' +
  'a.b{display:inline-block;padding:.6rem 1.2rem;border:1px solid;border-radius:.4rem;text-decoration:none}' +
  'header.app{display:flex;align-items:center;gap:.75rem}header.app img{border-radius:.5rem}';

/** The pages' CSP: nothing but their styles, the client's icon when it has one, and (forms) where a post may go. */
function pageCsp(formAction: string, theme: PageTheme | undefined): string {
  return `default-src 'none'; style-src 'unsafe-inline'${imgSrcDirective(theme)}; frame-ancestors 'none'; form-action ${formAction}`;
}

/**
 * A sign-in page: the shell in the user's language (`<html lang>`, `Content-Language`), the
 * escaped title, and `inner` (HTML the caller has escaped), in the client's theme when it has
 * one. The content sits in one `main` landmark, so a screen reader's "skip to main" lands on it.
 */
export function page(status: number, title: string, inner: string, look: PageLook): ResponseDescriptor {
  const { t, theme } = look;
  const content =
    `<!doctype html><html lang="${escapeHtml(t.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}${themeStyle(theme)}</style>` +
    `</head><body><main>${themeHeader(theme)}<h1>${escapeHtml(title)}</h1>${inner}</main></body></html>`;
  const headers: Record<string, string> = { ...PAGE_HEADERS, 'content-language': t.lang };
  if (theme?.iconUrl !== undefined) headers['content-security-policy'] = pageCsp("'none'", theme);
  return { status, headers, text: { contentType: 'text/html; charset=utf-8', content } };
}

/**
 * A sign-in page with a form: the same shell, but its CSP lets forms post to grantkit's own origin
 * and lets the answer to a post redirect to `targets` (browsers hold a form's redirects to
 * `form-action` too): the app's callback, and the providers an email page may send the user to.
 * Each target is reduced to its origin, and only http and https ones are kept.
 */
export function formPage(status: number, title: string, inner: string, targets: readonly string[], look: PageLook): ResponseDescriptor {
  const d = page(status, title, inner, look);
  const origins = new Set<string>();
  for (const t of targets) {
    const url = URL.canParse(t) ? new URL(t) : undefined;
    if (url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:')) origins.add(url.origin);
  }
  const formAction = ["'self'", ...origins].join(' ');
  return { ...d, headers: { ...d.headers, 'content-security-policy': pageCsp(formAction, look.theme) } };
}

/** A translated text around a value the page marks up: `html` (already escaped) goes where the text put its value. */
export function withMarkup(text: (slot: string) => string, html: string): string {
  const slot = '\u{E000}';
  return escapeHtml(text(slot)).replace(slot, html);
}

/**
 * An error shown to the user: what happened in their language, the machine-readable `type`
 * (e.g. `grant.callback_uri_not_allowed`) for the app's developer, and, when the app's callback
 * URI is known to be valid, `back`: a link to it that tells the app what happened.
 */
export interface PageError {
  readonly status: number;
  readonly type: string;
  readonly message: PageMessage;
  readonly back?: string | undefined;
}

function backLink(back: string | undefined, look: PageLook): string {
  return back === undefined ? '' : `<p><a class="b" href="${escapeHtml(back)}">${escapeHtml(look.t.errorPage.back(look.theme?.name))}</a></p>`;
}

export function errorPage(e: PageError, look: PageLook): ResponseDescriptor {
  const inner = `<p>${escapeHtml(look.t.messages[e.message])}</p><p><code data-error-type>${escapeHtml(e.type)}</code></p>${backLink(e.back, look)}`;
  return page(e.status, look.t.errorPage.title, inner, look);
}

/** Seconds under a minute, else whole minutes, rounded up. */
function waitOf(seconds: number): Wait {
  return seconds < 60 ? { unit: 'seconds', count: seconds } : { unit: 'minutes', count: Math.ceil(seconds / 60) };
}

/**
 * A rate-limited sign-in: 429 with Retry-After, and a page that says when to try again (the
 * user's browser does not read headers).
 */
function rateLimitedPage(retryAfterSeconds: number, look: PageLook, back: string | undefined): ResponseDescriptor {
  const inner = `<p>${escapeHtml(look.t.rateLimited.message(waitOf(retryAfterSeconds)))}</p><p><code data-error-type>rate_limit_error</code></p>${backLink(back, look)}`;
  const d = page(429, look.t.rateLimited.title, inner, look);
  return { ...d, headers: { ...d.headers, 'retry-after': String(retryAfterSeconds) } };
}

/**
 * A request-time error as the page the user sees: the rate-limit page for a 429, otherwise an
 * error page with the error's own status for a server failure and 400 for anything the request
 * did wrong. `type` is the machine-readable reason the page shows; the words come from the
 * user's catalogue (page-problem.ts says which), never from the error's own English message.
 */
export function renderErrorPage(err: GrantKitError, type: string, look: PageLook, back?: string): ResponseDescriptor {
  if (err.code === 'rate_limited') return rateLimitedPage(Number(err.headers['retry-after'] ?? 60), look, back);
  return errorPage({ status: err.status >= 500 ? err.status : 400, type, message: pageMessage(err), back }, look);
}
