import type { Keyring } from '../crypto/keyring.js';
import { GrantKitError } from '../errors/error.js';
import { isJsonObject } from '../http/json-object.js';
import { familyKey, normalizeHost, providerFamily } from '../providers/families.js';
import type { GrantIdentity, GrantRecord } from '../store/records.js';

/**
 * What proves a grant's address, and how strongly. A sign-in hands its proof to the
 * re-authentication rule (reauthentication.ts), which decides whether it may take the grant of
 * that address; the grant then records it.
 *
 * verified, the provider vouches that this person owns the address:
 * - an OAuth provider's stable subject with a verified email: Google `sub` with `email_verified`
 *   true for that very address; Microsoft `tid` + `oid` (never `mail` or `userPrincipalName`,
 *   which users can set); another OpenID provider's `sub` with `email_verified`;
 * - an IMAP login equal to the address, on the server preset for the address's domain (the
 *   provider itself checked the password of that address).
 * unverified, everything else: a login name that is not the address, a server the user typed in,
 * the sandbox, an OAuth email without a verified flag, bulk grants the app asserts, a provider
 * grantkit does not know.
 *
 * Subjects are namespaced by the provider family key (providers/families.ts), so a v2 `gmail`
 * sign-in and a v3 `google` one of the same Google account are the same identity.
 */

type Claims = Readonly<Record<string, unknown>>;

/** The proof of an OAuth sign-in, from the provider's id_token and/or userinfo claims. */
export function oauthIdentity(provider: string, email: string, claims: Claims | undefined): GrantIdentity {
  const family = providerFamily(provider);
  const key = familyKey(provider);
  const c = claims ?? {};
  if (family === 'microsoft') {
    // Microsoft's stable identity is the tenant and the object id. The email-like claims are
    // editable by users or tenant admins, so they never name the identity.
    const tid = text(c['tid']);
    const oid = text(c['oid']);
    if (tid !== undefined && oid !== undefined) return { subject: `${key}|${tid}|${oid}`, strength: 'verified', method: 'oauth' };
  }
  const sub = text(c['sub']);
  if (sub === undefined) return unprovenIdentity(provider, email, 'oauth');
  const claimed = text(c['email']);
  const verifiedFlag = c['email_verified'] === true || c['email_verified'] === 'true';
  // Microsoft without tid/oid, or an address the provider does not vouch for: a stable subject, but unverified.
  const verified = family !== 'microsoft' && verifiedFlag && claimed !== undefined && sameEmail(claimed, email);
  return { subject: `${key}|sub:${sub}`, strength: verified ? 'verified' : 'unverified', method: 'oauth' };
}

/**
 * The IMAP login names rule, and the proof of an IMAP-family sign-in. `presetHost` is the IMAP
 * server the app's presets give for the address's domain (undefined for other domains).
 *
 * A login name that is itself an address, other than the claimed one, is refused: the password
 * proves that other mailbox, not the claimed address. The exception is the preset server of the
 * claimed address's domain, where one account legitimately answers to several addresses
 * (aliases, an Apple ID signing in to iCloud Mail).
 */
export function imapIdentity(provider: string, email: string, host: string, login: string, presetHost: string | undefined): GrantIdentity {
  const onPreset = presetHost !== undefined && normalizeHost(host) === normalizeHost(presetHost);
  if (login.includes('@') && !sameEmail(login, email) && !onPreset) {
    throw new GrantKitError('invalid_request', 'The IMAP login name is another email address than "email_address".');
  }
  const verified = onPreset && sameEmail(login, email);
  return { subject: `${familyKey(provider, host)}|${login.toLowerCase()}`, strength: verified ? 'verified' : 'unverified', method: 'imap' };
}

/**
 * A sign-in that proves no identity beyond the address it claims (the sandbox, bulk grants, a
 * provider that reports none). Its subject is the address within the family: unverified.
 */
export function unprovenIdentity(provider: string, email: string, method: string): GrantIdentity {
  return { subject: `${familyKey(provider)}|email:${email.toLowerCase()}`, strength: 'unverified', method };
}

/**
 * The identity a stored grant stands for. Grants stored before identities were recorded have
 * none: they count as unverified, with the subject their stored settings imply (the IMAP server
 * and login, else the address within the provider family), so their owner's next ordinary sign-in
 * still re-authenticates them and records a proof.
 */
export function recordedIdentity(grant: GrantRecord, keyring: Keyring): GrantIdentity {
  if (grant.identity) return grant.identity;
  if (providerFamily(grant.provider) === 'imap' && grant.settings !== null) {
    try {
      const s: unknown = JSON.parse(keyring.open(grant.settings, grant.id));
      const host = isJsonObject(s) ? text(s['imap_host']) : undefined;
      const login = isJsonObject(s) ? text(s['imap_username']) : undefined;
      if (host !== undefined && login !== undefined) {
        return { subject: `${familyKey(grant.provider, host)}|${login.toLowerCase()}`, strength: 'unverified', method: 'imap' };
      }
    } catch {
      // A key no longer in the ring: fall back to the address.
    }
  }
  return unprovenIdentity(grant.provider, grant.email, 'legacy');
}

/**
 * OpenID's `email_verified` for a grant (userinfo, id_tokens): true exactly when its recorded proof
 * is one the provider vouches for.
 */
export function emailVerified(grant: GrantRecord, keyring: Keyring): boolean {
  return recordedIdentity(grant, keyring).strength === 'verified';
}

/** Addresses compare case-insensitively everywhere. */
function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
