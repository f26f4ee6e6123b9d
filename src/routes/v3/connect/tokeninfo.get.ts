import { randomUUID } from 'node:crypto';
import { GrantKitError } from '../../../errors/error.js';
import type { Route } from '../../route.js';
import { caller } from '../caller.js';
import { findOwnedToken, tokenExpiredOrRevoked } from '../../../oauth/token-lookup.js';
import type { KitContext } from '../../../kit/context.js';
import type { AppCaller } from '../../../kit/authentication.js';
import { unixSeconds } from '../../../http/unix-seconds.js';

/**
 * GET /v3/connect/tokeninfo?access_token=... | ?id_token=...: RFC 9068-style claims of a
 * token the caller owns; an access token's also carry `scope`, which Nylas's do not. OAuth-style errors (the path contains `connect/token`, which the SDK keys on).
 */
export const connectTokenInfo: Route = {
  method: 'GET',
  path: '/v3/connect/tokeninfo',
  family: 'oauth',
  readsBody: false,
  async handler({ kit, req }) {
    const c = await caller(kit, req);
    const access = req.query.getAll('access_token');
    const id = req.query.getAll('id_token');
    if (access.length + id.length !== 1) {
      throw new GrantKitError('invalid_request', 'Send exactly one of "access_token" or "id_token".');
    }
    const data = id.length === 1 ? await idTokenClaims(kit, c, id[0]!) : await accessTokenClaims(kit, c, access[0]!);
    const requestId = randomUUID();
    return { status: 200, headers: { 'x-request-id': requestId, 'cache-control': 'no-store' }, body: { request_id: requestId, data } };
  },
};

async function accessTokenClaims(kit: KitContext, c: AppCaller, raw: string): Promise<Record<string, unknown>> {
  const { token, grant } = await findOwnedToken(kit, c, raw);
  if (token.kind !== 'access' || grant === null || grant.status !== 'valid') throw tokenExpiredOrRevoked();
  const data: Record<string, unknown> = {
    iss: kit.options.issuer,
    aud: token.clientId,
    sub: grant.id,
    email: grant.email,
    iat: unixSeconds(token.createdAt),
  };
  // v2 tokens live until revoked: no `exp` rather than a made-up one.
  if (token.expiresAt !== null) data['exp'] = unixSeconds(token.expiresAt);
  // RFC 9068 section 2.2.3: space-separated, the scopes the token acts with (its own within the grant's).
  data['scope'] = kit.auth.grantOfToken(grant, token).scopes.join(' ');
  return data;
}

/**
 * An id_token hosted OAuth issued (token.ts signs it with `kit.hosted.signer`): its signature,
 * issuer and expiry are checked on the kit's clock, so a token from another issuer or key, a
 * tampered one and an expired one all read as `invalid_token`. As for access tokens, the caller
 * must own it (its client is the audience; an access token's grant is the subject), so an API key
 * learns nothing about another client's users. The claims are those signed: an id_token states who
 * signed in, and stays true of that sign-in even if the grant is revoked later.
 */
async function idTokenClaims(kit: KitContext, c: AppCaller, raw: string): Promise<Record<string, unknown>> {
  const payload = await kit.hosted.signer.verify(raw, kit.options.issuer, kit.now());
  if (payload === undefined) throw tokenExpiredOrRevoked();
  const { iss, aud, sub, iat, exp } = payload;
  const email = payload['email'];
  if (
    typeof iss !== 'string' ||
    typeof aud !== 'string' ||
    typeof sub !== 'string' ||
    typeof email !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number'
  ) {
    throw tokenExpiredOrRevoked();
  }
  const owned = aud === c.clientId && (c.kind !== 'access' || sub === c.grant.id);
  if (!owned) throw tokenExpiredOrRevoked();
  return { iss, aud, sub, email, iat, exp };
}
