import type { FamilyRevocation } from '../audit/events.js';
import { hashPrefix } from '../audit/trail.js';
import type { KitFoundation } from '../kit/foundation.js';
import type { TokenRecord } from '../store/records.js';

/**
 * Revoking tokens from a flow or a route, reported to the audit trail. Every revocation a request
 * causes goes through here, so the trail says what was revoked and why.
 */

/** Revokes every token of a code or refresh chain (`family` is the code's hash), for `reason`. */
export async function revokeFamily(kit: KitFoundation, family: string, now: number, reason: FamilyRevocation): Promise<number> {
  const tokens = await kit.store.revokeFamily(family, now);
  kit.audit?.emit({ type: 'family.revoked', family: hashPrefix(family), reason, tokens });
  return tokens;
}

/** Revokes one token by its hash; the record it was, if the store held it. */
export async function revokeToken(kit: KitFoundation, hash: string): Promise<TokenRecord | undefined> {
  const revoked = await kit.store.revokeToken(hash);
  if (revoked !== undefined && (revoked.kind === 'access' || revoked.kind === 'refresh')) {
    kit.audit?.emit({ type: 'token.revoked', kind: revoked.kind, grantId: revoked.grantId, clientId: revoked.clientId, tokenHash: hashPrefix(hash) });
  }
  return revoked;
}
