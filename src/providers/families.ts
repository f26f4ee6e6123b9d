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

/**
 * The providers v2 signs in through hosted OAuth, by their v2 names, and the v3 connector each
 * one uses: a hosted v2 sign-in makes a `gmail` grant through the `google` connector, and an
 * `office365` grant through `microsoft`.
 */
export const V2_HOSTED_CONNECTORS: Readonly<Record<'gmail' | 'office365', 'google' | 'microsoft'>> = Object.freeze({
  gmail: 'google',
  office365: 'microsoft',
});

/** The v3 connector of a v2 hosted provider name, or undefined when v2 has no hosted sign-in for it. */
export function v2HostedConnector(v2Name: string): 'google' | 'microsoft' | undefined {
  return v2Name === 'gmail' || v2Name === 'office365' ? V2_HOSTED_CONNECTORS[v2Name] : undefined;
}

/** The v2 name of a grant a hosted v2 sign-in makes through a v3 connector. */
export function v2HostedName(connector: 'google' | 'microsoft'): 'gmail' | 'office365' {
  return connector === 'google' ? 'gmail' : 'office365';
}

/** The v2 name hosted v2 grants of a connector's provider get, or undefined when v2 has none for it. */
export function v2NameOfConnector(provider: string): 'gmail' | 'office365' | undefined {
  return provider === 'google' || provider === 'microsoft' ? v2HostedName(provider) : undefined;
}

/** The connector a grant's provider name is served by: a v2 hosted name maps to its connector, any other name is its own. */
export function connectorOfProvider(provider: string): string {
  return v2HostedConnector(provider) ?? provider;
}

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
