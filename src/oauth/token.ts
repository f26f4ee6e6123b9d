import * as z from 'zod';
import { hashPrefix } from '../audit/trail.js';
import { clientWithSecret, endpointClient, invalidClient } from '../auth/client-auth.js';
import { newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import { GrantKitError } from '../errors/error.js';
import { parseInput } from '../http/validate.js';
import { revokeFamily } from '../grants/revocation.js';
import type { GrantRecord } from '../store/records.js';
import { upsertHostedGrant } from './grants.js';
import { hostedCodeHash, openNativeSettings, openProviderTokens, readPending, type HostedPending } from './hosted-code.js';
import { refresh } from './refresh.js';
import { invalidGrant, issueV3Tokens, putToken, type V3TokenResponse } from './v3-tokens.js';
import { verifierMatches } from './pkce.js';
import type { KitContext } from '../kit/context.js';

/**
 * The token endpoints of hosted OAuth: code redemption (v2 and v3) and refresh rotation (v3).
 * A code is consumed before anything else is checked against it, so a wrong verifier, client or
 * redirect URI burns it (RFC 7636 section 4.6): retries cannot brute-force a verifier.
 */

const str = (max: number) => z.string().min(1).max(max);

export const v3TokenBody = z.object({
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

export const v2TokenBody = z.object({
  client_id: str(256),
  client_secret: str(512),
  grant_type: z.literal('authorization_code'),
  code: str(512),
  redirect_uri: z.string().max(2048).optional(),
});



/**
 * POST /v3/connect/token. The client's id and secret come from the body or from HTTP Basic
 * (`authorization`); tokenEndpointClient has the rules.
 */
export async function exchangeV3(kit: KitContext, input: unknown, authorization?: string | string[]): Promise<V3TokenResponse> {
  const body = parseInput(v3TokenBody, input);
  const { client, authenticated } = await endpointClient(kit, authorization, body, 'endpoint');
  if (body.grant_type === 'refresh_token') {
    // A confidential client refreshes with its secret (or API key); a public one is bound by client id.
    if (!authenticated && client.secretHash !== null) throw invalidClient();
    if (body.refresh_token === undefined) throw new GrantKitError('invalid_request', '"refresh_token" is required.');
    return refresh(kit, client, body.refresh_token, body.scope);
  }
  if (body.code === undefined) throw new GrantKitError('invalid_request', '"code" is required.');
  if (body.redirect_uri === undefined || body.redirect_uri === '') throw new GrantKitError('invalid_request', '"redirect_uri" is required.');
  // The secret may be left out when PKCE stands in for it (as the v3 token endpoint and the v8 SDK allow).
  const hasVerifier = body.code_verifier !== undefined && body.code_verifier !== '';
  if (!authenticated && !hasVerifier && client.secretHash !== null) throw invalidClient();
  const { pending, codeHash } = await takeCode(kit, body.code, 'v3', client.id, body.redirect_uri);
  if (pending.challenge !== undefined && pending.method !== undefined) {
    if (!hasVerifier) throw invalidGrant('"code_verifier" is required: the authorization used PKCE.');
    if (!verifierMatches(body.code_verifier!, pending.challenge, pending.method)) throw invalidGrant('The code_verifier does not match the code_challenge.');
  } else if (hasVerifier) {
    // RFC 9700 section 4.8: a verifier for a code issued without a challenge is a downgrade attempt.
    throw invalidGrant('This code was issued without a code_challenge; do not send a code_verifier.');
  } else if (!authenticated) {
    throw invalidClient();
  }
  const grant = await completeGrant(kit, pending, codeHash, 'v3');
  const now = kit.now();
  const refreshMaxAt = pending.accessType === 'offline' ? now + kit.hosted.refreshMaxMs : undefined;
  const tokens = await issueV3Tokens(kit, grant, codeHash, now, refreshMaxAt, pending.nonce === undefined ? {} : { nonce: pending.nonce });
  return { ...tokens, provider: pending.grantProvider };
}

/** GET|POST /oauth/token (v2): the code for a non-expiring access token. */
export async function exchangeV2(
  kit: KitContext,
  input: unknown,
): Promise<{ access_token: string; account_id: string; email_address: string; provider: string; token_type: 'bearer' }> {
  const body = parseInput(v2TokenBody, input);
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
    kit.audit?.emit({ type: 'code.replayed', flow: 'hosted', clientId: consumed.record.clientId, codeHash: hashPrefix(codeHash) });
    await revokeFamily(kit, codeHash, now, 'code_replayed');
    throw invalidGrant('The code has already been used; every token issued from it is revoked.');
  }
  if (pending.api !== api) throw invalidGrant(`This code was issued by the ${pending.api} hosted flow.`);
  if (consumed.record.clientId !== clientId) throw invalidGrant('The code was not issued to this client.');
  // v2 SDKs do not send redirect_uri at the exchange; when sent, it must match (RFC 6749 section 4.1.3).
  if (redirectUri !== undefined && redirectUri !== pending.redirectUri) throw invalidGrant('"redirect_uri" does not match the authorization request.');
  return { pending, codeHash };
}

async function completeGrant(kit: KitContext, pending: HostedPending, codeHash: string, api: 'v2' | 'v3'): Promise<GrantRecord> {
  const opened = (sealed: string): string => kit.keyring.open(sealed, codeHash);
  const tokens = pending.verifiedBy === 'native' ? openNativeSettings(pending.providerTokens, opened) : openProviderTokens(pending.providerTokens, opened);
  if (tokens === undefined) throw invalidGrant('The code is not valid.');
  const grant = await upsertHostedGrant(
    kit,
    {
      clientId: pending.clientId,
      grantProvider: pending.grantProvider,
      connectorId: pending.connectorId,
      email: pending.email,
      name: pending.name,
      scopes: pending.scopes,
      scopeVocabulary: pending.scopeVocabulary ?? pending.api,
      ...(pending.state !== undefined ? { state: pending.state } : {}),
      ...(pending.identity !== undefined ? { identity: pending.identity } : {}),
    },
    tokens,
    api,
  );
  kit.audit?.emit({ type: 'code.redeemed', flow: 'hosted', clientId: pending.clientId, grantId: grant.id, codeHash: hashPrefix(codeHash) });
  return grant;
}

