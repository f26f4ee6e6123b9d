import { MAIL_PRESETS, type PasswordProviderName } from './mail-presets.js';

/**
 * Provider families: the provider names that stand for the same accounts. v2 and v3 name some
 * providers differently (v2 `gmail` is v3 `google`, `office365` is `microsoft`, `exchange` is
 * `ews`), and the password providers (yahoo, aol, icloud, hotmail, outlook) are IMAP on a known
 * server, so a Yahoo sign-in and an `imap` sign-in to imap.mail.yahoo.com reach the same mailbox.
 *
 * An identity's subject is namespaced by its family key, so "the same identity" never depends on
 * which of a family's names the app used. This module is the only place that says which names
 * belong together.
 */
const FAMILY: Readonly<Record<string, string>> = {
  gmail: 'google',
  google: 'google',
  office365: 'microsoft',
  microsoft: 'microsoft',
  exchange: 'ews',
  ews: 'ews',
  imap: 'imap',
  yahoo: 'imap',
  aol: 'imap',
  icloud: 'imap',
  hotmail: 'imap',
  outlook: 'imap',
};

/** The family of a provider name: `google`, `microsoft`, `ews`, `imap`, or the name itself for any other provider. */
export function providerFamily(provider: string): string {
  return FAMILY[provider.toLowerCase()] ?? provider.toLowerCase();
}

/**
 * The key an identity's subject is namespaced by. IMAP-family accounts are told apart by their
 * server as well: `imap:<host>` (host lowercased, without a trailing dot), so a preset provider
 * equals `imap` on the same host. Others are their family.
 */
export function familyKey(provider: string, imapHost?: string): string {
  const family = providerFamily(provider);
  if (family !== 'imap') return family;
  const host = imapHost ?? presetHost(provider);
  return host === undefined ? 'imap' : `imap:${normalizeHost(host)}`;
}

/** Whether two sign-ins count as the same provider (see the table above). */
export function sameProvider(a: { provider: string; imapHost?: string }, b: { provider: string; imapHost?: string }): boolean {
  return familyKey(a.provider, a.imapHost) === familyKey(b.provider, b.imapHost);
}

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** Whether a name is one of the password providers, the ones with servers in MAIL_PRESETS. */
export function isPasswordProviderName(name: string): name is PasswordProviderName {
  return Object.hasOwn(MAIL_PRESETS, name);
}

function presetHost(provider: string): string | undefined {
  const name = provider.toLowerCase();
  return isPasswordProviderName(name) ? MAIL_PRESETS[name].imap.host : undefined;
}
