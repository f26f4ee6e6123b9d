import { escapeHtml, formPage, withMarkup, type PageLook } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import type { CredentialWords, PageMessage } from '../locales/index.js';
import { APP_PASSWORD_HELP, providerLabel, serverDefaults, type ServerFields } from './credential-providers.js';
import type { IssuedPageFlow } from './page-flow.js';
import { flowFields, formError } from './pages.js';

/**
 * The credential form of a provider that signs in with a password: the address, the password (an
 * app password where the provider demands one) and, for generic IMAP, the server. It posts to
 * grantkit only; the password is never written back into a page.
 */
export interface CredentialPage {
  readonly action: string;
  readonly provider: string;
  readonly flow: IssuedPageFlow;
  readonly email: string | undefined;
  /** The IMAP form's server fields as last posted; the preset of the address's domain at first. */
  readonly server?: ServerFields;
  readonly error?: PageMessage;
  /** The app's callback URI: the post's answer redirects there. */
  readonly redirectUri: string;
  /** The user's language, and the client's look when it has one. */
  readonly look: PageLook;
}

function field(id: string, label: string, type: string, value: string, extra = ''): string {
  return `<label for="${id}">${escapeHtml(label)}</label><input id="${id}" name="${id}" type="${type}" value="${escapeHtml(value)}"${extra}>`;
}

function serverFields(s: ServerFields, w: CredentialWords): string {
  const option = (v: string, label: string): string => `<option value="${v}"${s.security === v ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  return (
    field('host', w.server, 'text', s.host, ' required autocomplete="off"') +
    field('port', w.port, 'text', s.port, ' inputmode="numeric" pattern="[0-9]{1,5}"') +
    `<label for="security">${escapeHtml(w.security)}</label><select id="security" name="security">` +
    `${option('ssl', w.ssl)}${option('starttls', w.starttls)}${option('none', w.noSecurity)}</select>` +
    field('username', w.username, 'text', '', ' autocomplete="username"')
  );
}

function appPasswordNote(label: string, help: string | undefined, w: CredentialWords): string {
  if (help === undefined) return '';
  return `<p>${escapeHtml(w.appPasswordNote(label))} <a href="${escapeHtml(help)}">${escapeHtml(w.appPasswordLink(label))}</a>.</p>`;
}

export function credentialPage(p: CredentialPage): ResponseDescriptor {
  const { t } = p.look;
  const w = t.credentials;
  const label = providerLabel(p.provider, t);
  const help = APP_PASSWORD_HELP[p.provider];
  const sandbox = p.provider === 'sandbox' ? `<p>${withMarkup(w.sandboxHint, '<code>sandbox</code>')}</p>` : '';
  const server = p.provider === 'imap' ? serverFields(p.server ?? serverDefaults(p.email), w) : '';
  const form =
    `<form method="post" action="${escapeHtml(p.action)}">${flowFields(p.flow)}` +
    field('email', w.email, 'email', p.email ?? '', ' required autocomplete="email"') +
    `<label for="password">${escapeHtml(help === undefined ? w.password : w.appPassword)}</label>` +
    `<input id="password" name="password" type="password" required autocomplete="current-password">` +
    `${server}<button type="submit">${escapeHtml(w.submit)}</button></form>`;
  const inner = formError(p.error, p.look) + sandbox + appPasswordNote(label, help, w) + form;
  const d = formPage(p.error === undefined ? 200 : 400, w.title(label), inner, [p.redirectUri], p.look);
  return { ...d, headers: { ...d.headers, 'set-cookie': p.flow.setCookie } };
}
