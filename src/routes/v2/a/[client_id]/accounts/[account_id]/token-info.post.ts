import * as z from 'zod';
import { hashSecret } from '../../../../../../crypto/tokens.js';
import { GrantKitError } from '../../../../../../errors/error.js';
import { json } from '../../../../../../http/types.js';
import { parseInput } from '../../../../../../http/validate.js';
import type { Route } from '../../../../../route.js';
import { managementClient } from '../management.js';
import { unixSeconds } from '../../../../../../http/unix-seconds.js';

export const tokenInfoBody = z.object({ access_token: z.string().min(1).max(4096) });

/**
 * POST /a/{client_id}/accounts/{id}/token-info: the client secret as Basic `secret:`,
 * the token in the body. A token of another account or client is reported as not found.
 */
export const tokenInfo: Route = {
  method: 'POST',
  path: '/a/:client_id/accounts/:account_id/token-info',
  family: 'v2',
  readsBody: true,
  async handler({ kit, req, params }) {
    const client = managementClient(kit, req, params['client_id']!);
    const { access_token } = parseInput(tokenInfoBody, req.body);
    const found = await kit.store.resolve(hashSecret(access_token), kit.now());
    const grant = found?.grant;
    if (!found || !grant || found.token.kind !== 'access' || grant.id !== params['account_id'] || grant.clientId !== client.id) {
      throw new GrantKitError('not_found', 'No such access token for this account.');
    }
    return json(200, {
      created_at: unixSeconds(found.token.createdAt),
      // The token's scopes within the grant's, not the grant's: a later sign-in may have widened it.
      scopes: kit.auth.grantOfToken(grant, found.token).scopes.join(','),
      state: grant.status,
      updated_at: unixSeconds(grant.updatedAt),
    });
  },
};
