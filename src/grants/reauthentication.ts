import type { Keyring } from '../crypto/keyring.js';
import { GrantKitError } from '../errors/error.js';
import type { GrantIdentity, GrantRecord } from '../store/records.js';
import { recordedIdentity } from './identity.js';

/**
 * Who may re-authenticate a grant. There is one grant per (client, email); a sign-in that proves
 * that address meets the grant already there, and this rule says what happens:
 * - no grant: one is created;
 * - the same identity (same subject within the provider family): it re-authenticates as always,
 *   the id is kept and the tokens already issued keep working (a second device does not sign
 *   out the first);
 * - a verified proof over an unverified one (including a move between providers, IMAP to Google
 *   say): it replaces it, every token issued before is revoked, and the new identity is recorded;
 * - anything else is refused without touching the grant: an unverified proof never replaces a
 *   verified one or a different unverified one, and a verified proof does not displace another
 *   verified identity (two providers both vouching for one address is a conflict for the app's
 *   operator to settle, not for the latest sign-in to win).
 *
 * Every flow that signs in (native /connect/token, /v3/connect/custom, PATCH /v3/grants settings,
 * the hosted callback and code redemption) asks this rule, after the provider has checked the
 * credentials, so a refusal never tells a stranger which addresses have grants.
 */
export type ReauthDecision = 'create' | 'same' | 'replace' | 'refuse';

export function decideReauthentication(current: GrantIdentity | undefined, proof: GrantIdentity): ReauthDecision {
  if (current === undefined) return 'create';
  if (current.subject === proof.subject) return 'same';
  if (proof.strength === 'verified' && current.strength === 'unverified') return 'replace';
  return 'refuse';
}

/** The message every refusal carries: it names no provider, identity or grant. */
const REAUTH_REFUSED_MESSAGE = 'This email address is already connected through another sign-in.';

/**
 * The refusal in each route family's terms: v2 403 `api_error`; v3 400 `grant.reauth_email_invalid`;
 * hosted OAuth `access_denied` (with the app's state) on the redirect.
 */
export function reauthRefusal(api: 'v2' | 'v3' | 'hosted'): GrantKitError {
  if (api === 'v2') return new GrantKitError('grant_access_denied', REAUTH_REFUSED_MESSAGE);
  if (api === 'hosted') return new GrantKitError('provider_auth_failed', REAUTH_REFUSED_MESSAGE, { v3Type: 'grant.reauth_email_invalid' });
  return new GrantKitError('invalid_request', REAUTH_REFUSED_MESSAGE, { v3Type: 'grant.reauth_email_invalid' });
}

/**
 * Applies the rule to the grant found for the address: throws the refusal, or says whether the
 * sign-in creates, re-authenticates (`same`) or replaces (`replace`: revoke earlier tokens).
 */
export function authorizeSignIn(
  keyring: Keyring,
  existing: GrantRecord | undefined,
  proof: GrantIdentity,
  api: 'v2' | 'v3' | 'hosted',
): Exclude<ReauthDecision, 'refuse'> {
  const decision = decideReauthentication(existing && recordedIdentity(existing, keyring), proof);
  if (decision === 'refuse') throw reauthRefusal(api);
  return decision;
}
