import { hashSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import { GrantKitError } from '../errors/error.js';
import type { AppCaller } from '../kit/authentication.js';
import type { KitContext } from '../kit/context.js';
import type { GrantRecord, TokenRecord } from '../store/records.js';
import { revokeFamily, revokeToken } from '../grants/revocation.js';

/** Revoke and tokeninfo: Nylas answers an unknown, expired or revoked token with 400 `invalid_token`. */
export function tokenExpiredOrRevoked(): GrantKitError {
  return new GrantKitError('unknown_token', 'Token expired or revoked');
}

export interface FoundToken {
  readonly token: TokenRecord;
  readonly grant: GrantRecord | null;
}

/**
 * Whose tokens a caller may act on: a client's (an API key, or a client that authenticated at
 * revocation or introspection), or one grant's (an access token acting for itself).
 */
export interface TokenOwner {
  readonly clientId: string;
  readonly grantId?: string;
}

export function ownerOf(c: AppCaller): TokenOwner {
  return c.kind === 'access' ? { clientId: c.clientId, grantId: c.grant.id } : { clientId: c.clientId };
}

/**
 * A live access token, refresh token or API key that the owner may act on, or undefined. Anything
 * else (unknown, expired, revoked, another client's or another grant's) is undefined alike, so
 * nobody learns whether another client's token exists.
 */
export async function lookupOwnedToken(kit: KitContext, owner: TokenOwner, raw: string): Promise<FoundToken | undefined> {
  const hash = hashSecret(raw);
  const now = kit.now();
  let found: FoundToken | undefined;
  const resolved = await kit.store.resolve(hash, now);
  if (resolved !== undefined) {
    if (resolved.token.kind === 'access' || resolved.token.kind === 'api_key') found = resolved;
  } else if (raw.startsWith(TOKEN_PREFIX.refresh)) {
    // Refresh tokens are not on the resolve path; look among the owner's own. Only refresh tokens
    // carry the prefix, so nothing else costs this listing.
    const scope = owner.grantId !== undefined ? { kind: 'refresh' as const, grantId: owner.grantId } : { kind: 'refresh' as const, clientId: owner.clientId };
    const refresh = (await kit.store.listTokens(scope)).find((t) => t.hash === hash);
    if (refresh) found = { token: refresh, grant: refresh.grantId === null ? null : ((await kit.store.getGrant(refresh.grantId)) ?? null) };
  }
  // Expiry is checked again here, so a third-party store cannot hand back a dead token.
  if (found === undefined || (found.token.expiresAt !== null && found.token.expiresAt <= now)) return undefined;
  const owned = owner.grantId !== undefined ? found.token.grantId === owner.grantId : found.token.clientId === owner.clientId;
  return owned ? found : undefined;
}

/** An access or refresh token the caller may act on (Nylas's revoke and tokeninfo), or their 400. */
export async function findOwnedToken(kit: KitContext, c: AppCaller, raw: string): Promise<FoundToken> {
  const found = await lookupOwnedToken(kit, ownerOf(c), raw);
  if (found === undefined || found.token.kind === 'api_key') throw tokenExpiredOrRevoked();
  return found;
}

/** Revokes a token and the tokens descended from the same code or refresh chain (never the grant). */
export async function revokeWithFamily(kit: KitContext, raw: string, found: FoundToken): Promise<void> {
  await revokeToken(kit, hashSecret(raw));
  if (found.token.family !== null) await revokeFamily(kit, found.token.family, kit.now(), 'token_revoked');
}
