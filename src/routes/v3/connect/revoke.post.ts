import { hashSecret } from '../../../crypto/tokens.js';
import { GrantKitError } from '../../../errors/error.js';
import { revokeFamily, revokeToken } from '../../../grants/revocation.js';
import type { Route } from '../../route.js';
import { caller } from '../caller.js';
import { findOwnedToken } from './token-lookup.js';

/**
 * POST /v3/connect/revoke?token=<token>: revokes the token, the tokens descended from the
 * same code or refresh chain (its children and its refresh token), but not the grant. OAuth-style
 * errors: the SDK picks NylasOAuthError for paths containing `connect/revoke`. Nylas's behaviour
 * wins over RFC 7009 here: an unknown token is a 400 `invalid_token`, not a silent 200.
 */
export const connectRevoke: Route = {
  method: 'POST',
  path: '/v3/connect/revoke',
  family: 'oauth',
  readsBody: false,
  async handler({ kit, req }) {
    const c = await caller(kit, req);
    const tokens = req.query.getAll('token');
    if (tokens.length !== 1 || tokens[0] === '') throw new GrantKitError('invalid_request', 'Send exactly one "token" query parameter.');
    const { token } = await findOwnedToken(kit, c, tokens[0]!);
    await revokeToken(kit, hashSecret(tokens[0]!));
    if (token.family !== null) await revokeFamily(kit, token.family, kit.now(), 'token_revoked');
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: {} };
  },
};
