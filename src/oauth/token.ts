import { issueGrantToken } from '../grants/issue-token.js';
import { z } from 'zod';
import { clientWithSecret, invalidClient, secretOrApiKeyMatches, tokenEndpointClient } from '../auth/client-auth.js';
import type { RegisteredClient } from '../clients.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import { GrantkitError } from '../errors/error.js';
import { parseInput } from '../http/validate.js';
import { wrongCredential } from '../limits/rate-limits.js';
import type { GrantRecord, TokenRecord } from '../store/records.js';
import { upsertHostedGrant } from './grants.js';
import { hostedCodeHash, readPending, type HostedPending, type ProviderTokens } from './hosted-code.js';
import { verifierMatches } from './pkce.js';
import type { KitContext } from '../kit/context.js';

/**
 * The token endpoints of hosted OAuth: code redemption (v2 and v3) and refresh rotation (v3).
 * A code is consumed before anything else is checked against it, so a wrong verifier, client or
 * redirect URI burns it (RFC 7636 section 4.6): retries cannot brute-force a verifier.
 */

const str = (max: number) => z.string().min(1).max(max);

const v3Body = z.object({
  grant_type: z.enum(['authorization_code', 'refresh_token']),
  // Optional here: HTTP Basic may carry it instead (auth/client-auth.ts).
  client_id: str(256).optional(),
  client_secret: z.string().max(512).optional(),
  code: str(512).optional(),
  redirect_uri: z.string().max(2048).optional(),
  code_verifier: z.string().max(256).optional(),
  refresh_token: str(512).optional(),
  scope: z.string().max(8192).optional(),
});

const v2Body = z.object({
  client_id: str(256),
  client_secret: str(512),
  grant_type: z.literal('authorization_code'),
  code: str(512),
  redirect_uri: z.string().max(2048).optional(),
});

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

function invalidGrant(message: string): GrantkitError {
  return new GrantkitError('invalid_grant', message);
}

/**
 * POST /v3/connect/token. The client's id and secret come from the body or from HTTP Basic
 * (`authorization`); tokenEndpointClient has the rules.
 */
export async function exchangeV3(kit: KitContext, input: unknown, authorization?: string | string[]): Promise<V3TokenResponse> {
  const body = parseInput(v3Body, input);
  const presented = tokenEndpointClient(authorization, body.client_id, body.client_secret, kit.options.realm);
  const client = kit.clients.get(presented.clientId);
  if (!client) throw invalidClient();
  const auth = await secretOrApiKeyMatches(kit.clients, kit.store, kit.now(), client, presented.secret);
  if (auth === false) throw invalidClient();
  if (body.grant_type === 'refresh_token') {
    // A confidential client refreshes with its secret (or API key); a public one is bound by client id.
    if (auth === undefined && client.secretHash !== null) throw invalidClient();
    if (body.refresh_token === undefined) throw new GrantkitError('invalid_request', '"refresh_token" is required.');
    return refresh(kit, client, body.refresh_token, body.scope);
  }
  if (body.code === undefined) throw new GrantkitError('invalid_request', '"code" is required.');
  if (body.redirect_uri === undefined || body.redirect_uri === '') throw new GrantkitError('invalid_request', '"redirect_uri" is required.');
  // The secret may be left out when PKCE stands in for it (as the v3 token endpoint and the v8 SDK allow).
  const hasVerifier = body.code_verifier !== undefined && body.code_verifier !== '';
  if (auth === undefined && !hasVerifier && client.secretHash !== null) throw invalidClient();
  const { pending, codeHash } = await takeCode(kit, body.code, 'v3', client.id, body.redirect_uri);
  if (pending.challenge !== undefined && pending.method !== undefined) {
    if (!hasVerifier) throw invalidGrant('"code_verifier" is required: the authorization used PKCE.');
    if (!verifierMatches(body.code_verifier!, pending.challenge, pending.method)) throw invalidGrant('The code_verifier does not match the code_challenge.');
  } else if (hasVerifier) {
    // RFC 9700 section 4.8: a verifier for a code issued without a challenge is a downgrade attempt.
    throw invalidGrant('This code was issued without a code_challenge; do not send a code_verifier.');
  } else if (auth === undefined) {
    throw invalidClient();
  }
  const grant = await completeGrant(kit, pending, codeHash, 'v3');
  const now = kit.now();
  const tokens = await issueV3Tokens(kit, grant, codeHash, now, pending.accessType === 'offline' ? now + kit.hosted.refreshMaxMs : undefined);
  return { ...tokens, provider: pending.grantProvider };
}

/** GET|POST /oauth/token (v2): the code for a non-expiring access token. */
export async function exchangeV2(
  kit: KitContext,
  input: unknown,
): Promise<{ access_token: string; account_id: string; email_address: string; provider: string; token_type: 'bearer' }> {
  const body = parseInput(v2Body, input);
  const client = clientWithSecret(kit.clients, body.client_id, body.client_secret);
  const { pending, codeHash } = await takeCode(kit, body.code, 'v2', client.id, body.redirect_uri);
  const grant = await completeGrant(kit, pending, codeHash, 'v2');
  const accessToken = newSecret(TOKEN_PREFIX.access);
  await putToken(kit, { kind: 'access', token: accessToken, grant, family: codeHash, expiresAt: null, data: null });
  return { access_token: accessToken, account_id: grant.id, email_address: grant.email, provider: grant.provider, token_type: 'bearer' };
}

/**
 * Consumes a hosted code once. A replay is refused and revokes every token the first redemption
 * issued (RFC 6749 section 4.1.2). The code is bound to its API, client and callback URI.
 */
async function takeCode(
  kit: KitContext,
  code: string,
  api: 'v2' | 'v3',
  clientId: string,
  redirectUri: string | undefined,
): Promise<{ pending: HostedPending; codeHash: string }> {
  const codeHash = hostedCodeHash(code);
  const now = kit.now();
  const consumed = await kit.store.consume(codeHash, now);
  const pending = consumed?.record.kind === 'code' ? readPending(consumed.record.data) : undefined;
  if (!consumed || !pending) throw invalidGrant('The code is invalid or has expired.');
  if (!consumed.firstUse) {
    await kit.store.revokeFamily(codeHash, now);
    throw invalidGrant('The code has already been used; every token issued from it is revoked.');
  }
  if (pending.api !== api) throw invalidGrant(`This code was issued by the ${pending.api} hosted flow.`);
  if (consumed.record.clientId !== clientId) throw invalidGrant('The code was not issued to this client.');
  // v2 SDKs do not send redirect_uri at the exchange; when sent, it must match (RFC 6749 section 4.1.3).
  if (redirectUri !== undefined && redirectUri !== pending.redirectUri) throw invalidGrant('"redirect_uri" does not match the authorization request.');
  return { pending, codeHash };
}

async function completeGrant(kit: KitContext, pending: HostedPending, codeHash: string, api: 'v2' | 'v3'): Promise<GrantRecord> {
  const tokens = JSON.parse(kit.keyring.open(pending.providerTokens, codeHash)) as ProviderTokens;
  return upsertHostedGrant(
    kit,
    {
      clientId: pending.clientId,
      grantProvider: pending.grantProvider,
      connectorId: pending.connectorId,
      email: pending.email,
      name: pending.name,
      scopes: pending.scopes,
      scopeVocabulary: pending.api,
      ...(pending.state !== undefined ? { state: pending.state } : {}),
      ...(pending.identity !== undefined ? { identity: pending.identity } : {}),
    },
    tokens,
    api,
  );
}

interface RefreshData {
  /** The absolute end of the chain (ms). */
  readonly maxAt: number;
}

/**
 * Access token (+ refresh token when `refreshMaxAt` is set) and id_token for a grant. Tokens of
 * one chain share a family, so a replayed code or refresh token revokes them together.
 */
async function issueV3Tokens(
  kit: KitContext,
  grant: GrantRecord,
  family: string,
  now: number,
  refreshMaxAt: number | undefined,
  refreshToken?: string,
  scopes: readonly string[] = grant.scopes,
): Promise<V3TokenResponse> {
  const ttl = kit.hosted.accessTokenTtlMs;
  const accessToken = newSecret(TOKEN_PREFIX.access);
  await putToken(kit, { kind: 'access', token: accessToken, grant, family, expiresAt: now + ttl, data: null, scopes });
  let rt = refreshToken;
  if (rt === undefined && refreshMaxAt !== undefined) {
    rt = newSecret(TOKEN_PREFIX.refresh);
    await putToken(kit, {
      kind: 'refresh',
      token: rt,
      grant,
      family,
      expiresAt: Math.min(now + kit.hosted.refreshIdleMs, refreshMaxAt),
      data: JSON.stringify({ maxAt: refreshMaxAt } satisfies RefreshData),
    });
  }
  const iat = Math.floor(now / 1000);
  const idToken = await kit.hosted.signer.sign({
    issuer: kit.options.issuer,
    audience: grant.clientId,
    subject: grant.id,
    email: grant.email,
    issuedAt: iat,
    expiresAt: iat + Math.floor(ttl / 1000),
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
 * Refresh rotation (RFC 9700 section 4.14.2): the presented token is consumed and its successor stored in
 * one compare-and-swap. A token used twice means it leaked: the whole family (the live refresh
 * token and its access tokens) is revoked. A refresh cannot widen the grant's scopes.
 */
async function refresh(kit: KitContext, client: RegisteredClient, token: string, scope: string | undefined): Promise<V3TokenResponse> {
  // Only refresh tokens carry this prefix, so an access token or code never reaches rotate().
  if (!token.startsWith(TOKEN_PREFIX.refresh)) throw wrongCredential(invalidGrant('The refresh token is invalid or has expired.'));
  const now = kit.now();
  const next = newSecret(TOKEN_PREFIX.refresh);
  const oldHash = hashSecret(token);
  // Stores resolve no refresh tokens, so the old token's family and grant are only known after the
  // swap. The swap stores a placeholder under the successor's hash (no grant, no family: nobody
  // holds its value yet), and the real record replaces it below.
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
  const consumed = await kit.store.rotate(oldHash, placeholder, now);
  if (!consumed || consumed.record.kind !== 'refresh' || consumed.record.family === null) {
    // Unknown to the store: a guess, counted against the IP. A replay (below) is a known token.
    throw wrongCredential(invalidGrant('The refresh token is invalid or has expired.'));
  }
  const old = consumed.record;
  const family = old.family!;
  if (!consumed.firstUse) {
    await kit.store.revokeFamily(family, now);
    throw invalidGrant('The refresh token was already used; every token of its chain is revoked.');
  }
  if (old.clientId !== client.id || old.grantId === null) {
    // Another client holding this token means it leaked (RFC 6749 section 10.4): kill the chain.
    await kit.store.revokeFamily(family, now);
    throw invalidGrant('The refresh token was not issued to this client.');
  }
  const grant = await kit.store.getGrant(old.grantId);
  if (!grant || grant.status !== 'valid' || grant.clientId !== client.id) {
    await kit.store.revokeFamily(family, now);
    throw invalidGrant('The grant of this refresh token is no longer valid; the user must sign in again.');
  }
  // The chain keeps the scopes its code was issued with, within the grant's current ones, by the
  // same rule as its access tokens (grants/token-scopes.ts): a later sign-in that widened the grant
  // does not widen this chain, and one that narrowed it narrows the chain to what is left.
  const carried = kit.auth.grantOfToken(grant, old).scopes;
  let accessScopes: readonly string[] = carried;
  if (scope !== undefined && scope.trim() !== '') {
    const requested = [...new Set(scope.trim().split(/\s+/))];
    const wider = requested.find((s) => !carried.includes(s));
    if (wider !== undefined) throw new GrantkitError('invalid_request', `Scope "${wider.slice(0, 128)}" exceeds the grant; a refresh cannot widen it.`, { v3Type: 'invalid_scope' });
    accessScopes = requested;
  }
  let maxAt = now;
  try {
    maxAt = (JSON.parse(old.data ?? '{}') as Partial<RefreshData>).maxAt ?? now;
  } catch {
    // Unreadable: treat the chain as ended below.
  }
  // The real successor replaces the placeholder under the same hash.
  await putToken(kit, {
    kind: 'refresh',
    token: next,
    grant,
    family,
    expiresAt: Math.min(now + kit.hosted.refreshIdleMs, maxAt),
    data: JSON.stringify({ maxAt } satisfies RefreshData),
    scopes: carried,
  });
  return issueV3Tokens(kit, grant, family, now, undefined, next, accessScopes);
}

async function putToken(
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
