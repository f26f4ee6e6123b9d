import { randomUUID } from 'node:crypto';
import { GrantkitError } from '../../errors/error.js';
import type { Route } from '../router.js';
import { caller } from './common.js';
import { findOwnedToken, tokenExpiredOrRevoked } from './token-lookup.js';

const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * GET /v3/connect/tokeninfo?access_token=... | ?id_token=... (§3.7): RFC 9068-style claims of a
 * token the caller owns. grantkit issues no ID tokens on these routes, so an `id_token` is always
 * unknown here. OAuth-style errors (the path contains `connect/token`, which the SDK keys on).
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
      throw new GrantkitError('invalid_request', 'Send exactly one of "access_token" or "id_token".');
    }
    if (id.length === 1) throw tokenExpiredOrRevoked();
    const { token, grant } = await findOwnedToken(kit, c, access[0]!);
    if (token.kind !== 'access' || grant === null || grant.status !== 'valid') throw tokenExpiredOrRevoked();
    const data: Record<string, unknown> = {
      iss: kit.issuer,
      aud: token.clientId,
      sub: grant.id,
      email: grant.email,
      iat: seconds(token.createdAt),
    };
    // v2 tokens live until revoked: no `exp` rather than a made-up one.
    if (token.expiresAt !== null) data['exp'] = seconds(token.expiresAt);
    const requestId = randomUUID();
    return { status: 200, headers: { 'x-request-id': requestId, 'cache-control': 'no-store' }, body: { request_id: requestId, data } };
  },
};
