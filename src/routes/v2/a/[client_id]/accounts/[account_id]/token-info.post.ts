import { z } from 'zod';
import { readAuthorization } from '../../../../../../auth/credentials.js';
import { hashSecret } from '../../../../../../crypto/tokens.js';
import { basicChallenge } from '../../../../../../errors/challenges.js';
import { GrantkitError } from '../../../../../../errors/error.js';
import { CREDENTIALS_MESSAGE } from '../../../../../../errors/messages.js';
import { json } from '../../../../../../http/types.js';
import { parseInput } from '../../../../../../http/validate.js';
import type { Route } from '../../../../../route.js';

const body = z.object({ access_token: z.string().min(1).max(4096) });
const seconds = (ms: number): number => Math.floor(ms / 1000);

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
    const cred = readAuthorization(req.headers.authorization);
    const client = kit.clients.get(params['client_id']!);
    const secret = cred.kind === 'basic' && cred.pass === '' ? cred.user : undefined;
    if (!client || secret === undefined || !kit.clients.secretMatches(client, secret)) {
      throw new GrantkitError('invalid_client', CREDENTIALS_MESSAGE, { headers: { 'www-authenticate': basicChallenge(kit.options.realm) } });
    }
    const { access_token } = parseInput(body, req.body);
    const found = await kit.store.resolve(hashSecret(access_token), kit.now());
    const grant = found?.grant;
    if (!found || !grant || found.token.kind !== 'access' || grant.id !== params['account_id'] || grant.clientId !== client.id) {
      throw new GrantkitError('not_found', 'No such access token for this account.');
    }
    return json(200, {
      created_at: seconds(found.token.createdAt),
      // The token's scopes within the grant's, not the grant's: a later sign-in may have widened it.
      scopes: kit.auth.grantOfToken(grant, found.token).scopes.join(','),
      state: grant.status,
      updated_at: seconds(grant.updatedAt),
    });
  },
};
