import { hashPrefix } from '../audit/trail.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { GrantRecord } from '../store/records.js';
import type { KitContext } from '../kit/context.js';

export interface GrantTokenSpec {
  readonly kind: 'access' | 'refresh';
  readonly grant: Pick<GrantRecord, 'id' | 'clientId' | 'scopes'>;
  /**
   * The scopes the token acts with (narrower than the grant's when a refresh asked for less).
   * Default: the grant's scopes now. Recorded on the token so a later sign-in that widens the
   * grant does not widen it.
   */
  readonly scopes?: readonly string[];
  /** The code or refresh chain it descends from, so a replay can revoke it; null for none. */
  readonly family: string | null;
  /** Null: lives until revoked (v2 access tokens). */
  readonly expiresAt: number | null;
  readonly data?: string | null;
  /** A secret already minted by the caller; a fresh one otherwise. */
  readonly secret?: string;
}

/**
 * Mints a token of a grant and stores only its hash, under the fail-closed timeout. Every flow
 * (native, hosted v2 and v3, implicit) issues its tokens here, so they all look alike in the store,
 * and each one is counted (`grantkit.tokens.issued`) and reported to the audit trail here.
 */
export async function issueGrantToken(kit: KitContext, spec: GrantTokenSpec): Promise<string> {
  const secret = spec.secret ?? newSecret(spec.kind === 'access' ? TOKEN_PREFIX.access : TOKEN_PREFIX.refresh);
  const hash = hashSecret(secret);
  const scopes = [...(spec.scopes ?? spec.grant.scopes)];
  await kit.store.putToken({
    hash,
    kind: spec.kind,
    clientId: spec.grant.clientId,
    grantId: spec.grant.id,
    family: spec.family,
    createdAt: kit.now(),
    expiresAt: spec.expiresAt,
    data: spec.data ?? null,
    scopes,
  });
  kit.telemetry.tokenIssued(spec.kind);
  kit.audit?.emit({
    type: 'token.issued',
    kind: spec.kind,
    grantId: spec.grant.id,
    clientId: spec.grant.clientId,
    tokenHash: hashPrefix(hash),
    ...(spec.family !== null ? { family: hashPrefix(spec.family) } : {}),
    expiresAt: spec.expiresAt,
    scopes,
  });
  return secret;
}
