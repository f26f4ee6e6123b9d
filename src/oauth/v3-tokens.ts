import * as z from 'zod';
import { GrantKitError } from '../errors/error.js';
import { newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import { emailVerified } from '../grants/identity.js';
import { issueGrantToken } from '../grants/issue-token.js';
import type { KitContext } from '../kit/context.js';
import type { GrantRecord } from '../store/records.js';

// The tokens hosted OAuth hands out at /v3/connect/token: one access token, an id_token, and with
// offline access a refresh token whose chain ends at an absolute time.

/** The v3 token response: flat JSON. */
export interface V3TokenResponse {
  readonly access_token: string;
  readonly expires_in: number;
  readonly id_token: string;
  readonly email: string;
  readonly refresh_token?: string;
  readonly scope: string;
  readonly token_type: 'Bearer';
  readonly grant_id: string;
  readonly provider?: string;
}

/** 400 `invalid_grant`: a code or refresh token that cannot be redeemed. */
export function invalidGrant(message: string): GrantKitError {
  return new GrantKitError('invalid_grant', message);
}

export interface RefreshData {
  /** The absolute end of the chain (ms). */
  readonly maxAt: number;
}

export const refreshData: z.ZodType<RefreshData> = z.object({ maxAt: z.number() });

/** What a token response may carry beyond a fresh chain's. */
export interface IssueMore {
  /** A refresh: the chain's successor token, already stored. */
  readonly refreshToken?: string;
  /** The scopes the access token acts with, when they are not the grant's. */
  readonly scopes?: readonly string[];
  /** The authorization request's `nonce`, for the id_token of a code exchange. */
  readonly nonce?: string;
}

/**
 * Access token (+ refresh token when `refreshMaxAt` is set) and id_token for a grant. Tokens of
 * one chain share a family, so a replayed code or refresh token revokes them together.
 */
export async function issueV3Tokens(
  kit: KitContext,
  grant: GrantRecord,
  family: string,
  now: number,
  refreshMaxAt: number | undefined,
  more: IssueMore = {},
): Promise<V3TokenResponse> {
  const { refreshToken, scopes = grant.scopes, nonce } = more;
  const ttl = kit.hosted.accessTokenTtlMs;
  const accessToken = newSecret(TOKEN_PREFIX.access);
  await putToken(kit, { kind: 'access', token: accessToken, grant, family, expiresAt: now + ttl, data: null, scopes });
  let rt = refreshToken;
  if (rt === undefined && refreshMaxAt !== undefined) {
    rt = newSecret(TOKEN_PREFIX.refresh);
    await putRefreshToken(kit, { token: rt, grant, family, now, maxAt: refreshMaxAt });
  }
  const iat = Math.floor(now / 1000);
  const idToken = await kit.hosted.signer.sign({
    issuer: kit.options.issuer,
    audience: grant.clientId,
    subject: grant.id,
    email: grant.email,
    emailVerified: emailVerified(grant, kit.keyring),
    name: grant.name,
    issuedAt: iat,
    expiresAt: iat + Math.floor(ttl / 1000),
    ...(nonce !== undefined ? { nonce } : {}),
  });
  return {
    access_token: accessToken,
    expires_in: Math.floor(ttl / 1000),
    id_token: idToken,
    email: grant.email,
    ...(rt !== undefined ? { refresh_token: rt } : {}),
    scope: scopes.join(' '),
    token_type: 'Bearer',
    grant_id: grant.id,
  };
}

/**
 * Stores a refresh token of a chain that ends at `maxAt`: it lives for the idle time, never past
 * the end of its chain. `scopes`: those the chain carries, when they are not the grant's.
 */
export async function putRefreshToken(
  kit: KitContext,
  t: { token: string; grant: GrantRecord; family: string; now: number; maxAt: number; scopes?: readonly string[] },
): Promise<void> {
  await putToken(kit, {
    kind: 'refresh',
    token: t.token,
    grant: t.grant,
    family: t.family,
    expiresAt: Math.min(t.now + kit.hosted.refreshIdleMs, t.maxAt),
    data: JSON.stringify({ maxAt: t.maxAt } satisfies RefreshData),
    scopes: t.scopes,
  });
}

export async function putToken(
  kit: KitContext,
  t: {
    kind: 'access' | 'refresh';
    token: string;
    grant: GrantRecord;
    family: string;
    expiresAt: number | null;
    data: string | null;
    scopes?: readonly string[];
  },
): Promise<void> {
  await issueGrantToken(kit, {
    kind: t.kind,
    grant: t.grant,
    family: t.family,
    expiresAt: t.expiresAt,
    data: t.data,
    secret: t.token,
    ...(t.scopes !== undefined ? { scopes: t.scopes } : {}),
  });
}
