import { hashPrefix } from '../audit/trail.js';
import type { RegisteredClient } from '../clients.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import { GrantKitError } from '../errors/error.js';
import type { KitContext } from '../kit/context.js';
import { revokeFamily } from '../grants/revocation.js';
import { wrongCredential } from '../limits/rate-limits.js';
import type { GrantRecord, TokenRecord } from '../store/records.js';
import { storedJson } from '../store/stored.js';
import { invalidGrant, issueV3Tokens, putRefreshToken, refreshData, type V3TokenResponse } from './v3-tokens.js';

/**
 * Refresh rotation (RFC 9700 section 4.14.2): the presented token is consumed and its successor
 * stored in one compare-and-swap. A token used twice means it leaked: the whole family (the live
 * refresh token and its access tokens) is revoked. A refresh cannot widen the grant's scopes.
 */
export async function refresh(kit: KitContext, client: RegisteredClient, token: string, scope: string | undefined): Promise<V3TokenResponse> {
  const now = kit.now();
  const next = newSecret(TOKEN_PREFIX.refresh);
  const { old, family, grant } = await rotate(kit, client, token, next, now);
  // The chain keeps the scopes its code was issued with, within the grant's current ones, by the
  // same rule as its access tokens (grants/token-scopes.ts): a later sign-in that widened the grant
  // does not widen this chain, and one that narrowed it narrows the chain to what is left.
  const carried = kit.auth.grantOfToken(grant, old).scopes;
  const accessScopes = narrowedTo(carried, scope);
  // Unreadable: treat the chain as ended below.
  const maxAt = storedJson(refreshData, old.data)?.maxAt ?? now;
  // The real successor replaces the placeholder under the same hash.
  await putRefreshToken(kit, { token: next, grant, family, now, maxAt, scopes: carried });
  kit.audit?.emit({
    type: 'token.refreshed',
    grantId: grant.id,
    clientId: client.id,
    tokenHash: hashPrefix(hashSecret(next)),
    previousHash: hashPrefix(old.hash),
    family: hashPrefix(family),
  });
  return issueV3Tokens(kit, grant, family, now, undefined, { refreshToken: next, scopes: accessScopes });
}

/**
 * The swap itself, and what makes a chain end: an unknown token (a guess, counted against the IP),
 * a replay, another client's token, or a grant no longer valid. Each but the first revokes the family.
 */
async function rotate(
  kit: KitContext,
  client: RegisteredClient,
  token: string,
  next: string,
  now: number,
): Promise<{ readonly old: TokenRecord; readonly family: string; readonly grant: GrantRecord }> {
  // Only refresh tokens carry this prefix, so an access token or code never reaches rotate().
  if (!token.startsWith(TOKEN_PREFIX.refresh)) throw wrongCredential(invalidGrant('The refresh token is invalid or has expired.'));
  // Stores resolve no refresh tokens, so the old token's family and grant are only known after the
  // swap. The swap stores a placeholder under the successor's hash (no grant, no family: nobody
  // holds its value yet), and the real record replaces it afterwards.
  const placeholder: TokenRecord = {
    hash: hashSecret(next),
    kind: 'refresh',
    clientId: client.id,
    grantId: null,
    family: null,
    createdAt: now,
    expiresAt: now + 60_000,
    data: null,
  };
  const consumed = await kit.store.rotate(hashSecret(token), placeholder, now);
  const family = consumed?.record.family;
  if (!consumed || consumed.record.kind !== 'refresh' || family === null || family === undefined) {
    // Unknown to the store: a guess, counted against the IP. A replay (below) is a known token.
    throw wrongCredential(invalidGrant('The refresh token is invalid or has expired.'));
  }
  const old = consumed.record;
  if (!consumed.firstUse) {
    await revokeFamily(kit, family, now, 'refresh_replayed');
    throw invalidGrant('The refresh token was already used; every token of its chain is revoked.');
  }
  if (old.clientId !== client.id || old.grantId === null) {
    // Another client holding this token means it leaked (RFC 6749 section 10.4): kill the chain.
    await revokeFamily(kit, family, now, 'refresh_wrong_client');
    throw invalidGrant('The refresh token was not issued to this client.');
  }
  const grant = await kit.store.getGrant(old.grantId);
  if (!grant || grant.status !== 'valid' || grant.clientId !== client.id) {
    await revokeFamily(kit, family, now, 'grant_not_valid');
    throw invalidGrant('The grant of this refresh token is no longer valid; the user must sign in again.');
  }
  return { old, family, grant };
}

/** The scopes a refresh asks for, which must lie within the chain's: it may narrow them, never widen them. */
function narrowedTo(carried: readonly string[], scope: string | undefined): readonly string[] {
  if (scope === undefined || scope.trim() === '') return carried;
  const requested = [...new Set(scope.trim().split(/\s+/))];
  const wider = requested.find((s) => !carried.includes(s));
  if (wider !== undefined) {
    throw new GrantKitError('invalid_request', `Scope "${wider.slice(0, 128)}" exceeds the grant; a refresh cannot widen it.`, { v3Type: 'invalid_scope' });
  }
  return requested;
}
