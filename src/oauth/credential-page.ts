import { escapeHtml, formPage, type PageTheme } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import { APP_PASSWORD_HELP, providerLabel, serverDefaults, type ServerFields } from './credential-providers.js';
import type { IssuedPageFlow } from './page-flow.js';
import { flowFields } from './pages.js';

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
  readonly error?: string;
  /** The app's callback URI: the post's answer redirects there. */
  readonly redirectUri: string;
  /** The client's look, when it has one. */
  readonly theme?: PageTheme | undefined;
}

function field(id: string, label: string, type: string, value: string, extra = ''): string {
  return `<label for="${id}">${label}</label><input id="${id}" name="${id}" type="${type}" value="${escapeHtml(value)}"${extra}>`;
}

function serverFields(s: ServerFields): string {
  const option = (v: string, label: string): string => `<option value="${v}"${s.security === v ? ' selected' : ''}>${label}</option>`;
  return (
    field('host', 'IMAP server', 'text', s.host, ' required autocomplete="off"') +
    field('port', 'Port', 'text', s.port, ' inputmode="numeric" pattern="[0-9]{1,5}"') +
    `<label for="security">Security</label><select id="security" name="security">` +
    `${option('ssl', 'SSL/TLS')}${option('starttls', 'STARTTLS')}${option('none', 'None (password sent in clear)')}</select>` +
    field('username', 'IMAP username (when it is not the address above)', 'text', '', ' autocomplete="username"')
  );
}

function appPasswordNote(provider: string): string {
  const help = APP_PASSWORD_HELP[provider];
  if (help === undefined) return '';
  const label = escapeHtml(providerLabel(provider));
  return `<p>${label} needs an app password here, not your account password. <a href="${escapeHtml(help)}">Make an app password at ${label}</a>.</p>`;
}

export function credentialPage(p: CredentialPage): ResponseDescriptor {
  const label = providerLabel(p.provider);
  const error = p.error === undefined ? '' : `<p class="err" role="alert">${escapeHtml(p.error)}</p>`;
  const sandbox = p.provider === 'sandbox' ? '<p>Any email address signs in with the password <code>sandbox</code>.</p>' : '';
  const server = p.provider === 'imap' ? serverFields(p.server ?? serverDefaults(p.email)) : '';
  const passwordLabel = APP_PASSWORD_HELP[p.provider] === undefined ? 'Password' : 'App password';
  const form =
    `<form method="post" action="${escapeHtml(p.action)}">${flowFields(p.flow)}` +
    field('email', 'Email address', 'email', p.email ?? '', ' required autocomplete="email"') +
    `<label for="password">${passwordLabel}</label><input id="password" name="password" type="password" required autocomplete="current-password">` +
    `${server}<button type="submit">Sign in</button></form>`;
  const d = formPage(p.error === undefined ? 200 : 400, `Sign in with ${label}`, error + sandbox + appPasswordNote(p.provider) + form, [p.redirectUri], p.theme);
  return { ...d, headers: { ...d.headers, 'set-cookie': p.flow.setCookie } };
}
