import { hashSecret } from '../../../crypto/tokens.js';
import { GrantKitError } from '../../../errors/error.js';
import type { GrantRecord, TokenRecord } from '../../../store/records.js';
import type { KitContext } from '../../../kit/context.js';
import type { AppCaller } from '../../../kit/authentication.js';

/** Revoke and tokeninfo: Nylas answers an unknown, expired or revoked token with 400 `invalid_token`. */
export function tokenExpiredOrRevoked(): GrantKitError {
  return new GrantKitError('unknown_token', 'Token expired or revoked');
}

export interface FoundToken {
  readonly token: TokenRecord;
  readonly grant: GrantRecord | null;
}

/**
 * Finds an access or refresh token the caller may act on: an API key's client's tokens, or the
 * tokens of an access token's own grant. Anything else reads as unknown, so nobody learns whether
 * another client's token exists.
 */
export async function findOwnedToken(kit: KitContext, c: AppCaller, token: string): Promise<FoundToken> {
  const hash = hashSecret(token);
  const now = kit.now();
  let found: FoundToken | undefined;
  const resolved = await kit.store.resolve(hash, now);
  if (resolved?.token.kind === 'access') found = resolved;
  else if (resolved === undefined) {
    // Refresh tokens are not on the resolve path; look among the caller's own.
    const scope = c.kind === 'access' ? { kind: 'refresh' as const, grantId: c.grant.id } : { kind: 'refresh' as const, clientId: c.clientId };
    const refresh = (await kit.store.listTokens(scope)).find((t) => t.hash === hash);
    if (refresh && (refresh.expiresAt === null || refresh.expiresAt > now)) {
      const grant = refresh.grantId === null ? null : ((await kit.store.getGrant(refresh.grantId)) ?? null);
      found = { token: refresh, grant };
    }
  }
  if (found === undefined) throw tokenExpiredOrRevoked();
  const owned = c.kind === 'access' ? found.token.grantId === c.grant.id : found.token.clientId === c.clientId;
  if (!owned) throw tokenExpiredOrRevoked();
  return found;
}
