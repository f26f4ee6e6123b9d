import { PageProblem } from '../errors/page-problem.js';
import type { Catalogue } from '../locales/index.js';
import { MAIL_PRESETS, presetNameForEmail } from '../providers/mail-presets.js';

/**
 * The providers whose hosted sign-in is a credential form served by grantkit, and what each form
 * asks for. v2 names the IMAP family's members (yahoo, aol, icloud, hotmail, outlook); v3 knows
 * only imap, icloud and yahoo. The sandbox, grantkit's development provider, has a form in both,
 * so the hosted flows can be tried with no outside account. A form is offered only when the kit
 * enables the native provider of that name: it is the verifier the form's post is checked by.
 */
const V2_FORMS: ReadonlySet<string> = new Set(['imap', 'yahoo', 'aol', 'icloud', 'hotmail', 'outlook', 'sandbox']);
const V3_FORMS: ReadonlySet<string> = new Set(['imap', 'icloud', 'yahoo', 'sandbox']);

export function hasCredentialForm(api: 'v2' | 'v3', provider: string): boolean {
  return (api === 'v2' ? V2_FORMS : V3_FORMS).has(provider);
}

/** How pages name the providers whose names are brands, the same in every language. */
const BRANDS: Readonly<Record<string, string>> = {
  gmail: 'Google',
  google: 'Google',
  office365: 'Microsoft',
  microsoft: 'Microsoft',
  yahoo: 'Yahoo',
  aol: 'AOL',
  icloud: 'iCloud',
  hotmail: 'Hotmail',
  outlook: 'Outlook.com',
};

/** How a page in catalogue `t` names a provider: its brand, or the catalogue's words for the generic ones. */
export function providerLabel(provider: string, t: Catalogue): string {
  if (provider === 'imap' || provider === 'oauth2' || provider === 'sandbox') return t.providers[provider];
  return BRANDS[provider] ?? provider;
}

/** Providers that accept only an app password, and where their users make one. */
export const APP_PASSWORD_HELP: Readonly<Record<string, string>> = {
  icloud: 'https://support.apple.com/en-us/102654',
  yahoo: 'https://help.yahoo.com/kb/SLN15241.html',
};

export type Security = 'ssl' | 'starttls' | 'none';

/** The generic IMAP form's server fields. */
export interface ServerFields {
  readonly host: string;
  readonly port: string;
  readonly security: Security;
}

/** The server fields an IMAP form starts with: the preset of the address's domain, else the usual TLS port. */
export function serverDefaults(email: string | undefined): ServerFields {
  const preset = email === undefined ? undefined : presetNameForEmail(email);
  if (preset === undefined) return { host: '', port: '993', security: 'ssl' };
  const { host, port } = MAIL_PRESETS[preset].imap;
  return { host, port: String(port), security: port === 993 ? 'ssl' : 'starttls' };
}

/** What a credential form posts, as read from its body. */
export interface CredentialFields {
  readonly email: string;
  readonly password: string;
  readonly username?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  readonly security?: string | undefined;
}

/**
 * The settings the native provider verifies, in the form `/connect/authorize` and
 * `/v3/connect/custom` take them: the sandbox `{email, password}`, generic IMAP the `imap_*`
 * settings, the password providers `{username, password}` (the username defaults to the address).
 */
export function credentialSettings(provider: string, f: CredentialFields): Record<string, unknown> {
  if (provider === 'sandbox') return { email: f.email, password: f.password };
  if (provider !== 'imap') return { email: f.email, username: f.username || f.email, password: f.password };
  const security = f.security ?? 'ssl';
  if (security !== 'ssl' && security !== 'starttls' && security !== 'none') throw new PageProblem('chooseSecurity');
  const port = f.port === undefined || f.port === '' ? (security === 'ssl' ? '993' : '143') : f.port;
  // Here, as everywhere in grantkit, port 993 is TLS from the first byte and any other port STARTTLS.
  if (security === 'ssl' && port !== '993') throw new PageProblem('sslPort');
  if (f.host === undefined || f.host.trim() === '') throw new PageProblem('enterServer');
  return {
    email: f.email,
    imap_host: f.host.trim(),
    imap_port: port,
    imap_username: f.username || f.email,
    imap_password: f.password,
    ssl_required: security !== 'none',
  };
}
