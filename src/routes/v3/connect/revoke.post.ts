import { GrantKitError } from '../../../errors/error.js';
import type { ResponseDescriptor } from '../../../http/types.js';
import { revokeStandard } from '../../../oauth/revocation.js';
import { findOwnedToken, revokeWithFamily } from '../../../oauth/token-lookup.js';
import type { Route } from '../../route.js';
import { caller } from '../caller.js';

const REVOKED: ResponseDescriptor = { status: 200, headers: { 'cache-control': 'no-store' }, body: {} };

/**
 * POST /v3/connect/revoke, in two forms:
 * - Nylas's, `?token=<token>` with an API key or access token as the bearer: revokes the token and
 *   the tokens of its code or refresh chain (its children and its refresh token), not the grant.
 *   Nylas's behaviour wins over RFC 7009 here: an unknown token is a 400 `invalid_token`;
 * - RFC 7009's, `token` in a form body with client authentication (oauth/revocation.ts), which
 *   answers 200 for an unknown token.
 * OAuth-style errors: the SDK picks NylasOAuthError for paths containing `connect/revoke`.
 */
export const connectRevoke: Route = {
  method: 'POST',
  path: '/v3/connect/revoke',
  family: 'oauth',
  readsBody: true,
  async handler({ kit, req }) {
    const tokens = req.query.getAll('token');
    if ('token' in req.body) {
      if (tokens.length > 0) throw new GrantKitError('invalid_request', 'Send "token" in the query or in the body, not both.');
      await kit.limits.secret(req.ip, () => revokeStandard(kit, req.body, req.headers.authorization));
      return REVOKED;
    }
    const c = await caller(kit, req);
    if (tokens.length !== 1 || tokens[0] === '') throw new GrantKitError('invalid_request', 'Send exactly one "token" query parameter.');
    const found = await findOwnedToken(kit, c, tokens[0]!);
    await revokeWithFamily(kit, tokens[0]!, found);
    return REVOKED;
  },
};
