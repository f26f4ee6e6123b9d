import * as z from 'zod';
import { endpointClient } from '../auth/client-auth.js';
import { GrantKitError } from '../errors/error.js';
import { parseInput } from '../http/validate.js';
import type { KitContext } from '../kit/context.js';
import { lookupOwnedToken, revokeWithFamily } from './token-lookup.js';

/**
 * RFC 7009 token revocation, the standard form of POST /v3/connect/revoke: a form body with
 * `token` (and an optional `token_type_hint`), and client authentication in the body or HTTP Basic.
 * Nylas's own form (`?token=` and a bearer credential) is the route's other branch.
 *
 * - A confidential client must authenticate; a public client names itself by `client_id`, as at
 *   the token endpoint (RFC 7009 section 2.1).
 * - An unknown, expired, already revoked or malformed token is answered 200, as is one issued to
 *   another client, which is not revoked: the client learns nothing of tokens not its own
 *   (RFC 7009 section 2.2).
 * - Access and refresh tokens are revoked with their chain, as in Nylas's form; the hint is only a
 *   hint, since both kinds are looked up anyway. An API key is not a token this endpoint revokes:
 *   `unsupported_token_type` (section 2.2.1).
 */
export const revocationForm = z.object({
  token: z.string().max(2048),
  token_type_hint: z.string().max(64).optional(),
  client_id: z.string().min(1).max(256).optional(),
  client_secret: z.string().max(512).optional(),
});

export async function revokeStandard(kit: KitContext, body: unknown, authorization: string | string[] | undefined): Promise<void> {
  const form = parseInput(revocationForm, body);
  const { client } = await endpointClient(kit, authorization, form, 'confidential');
  const found = await lookupOwnedToken(kit, { clientId: client.id }, form.token);
  if (found === undefined) return;
  if (found.token.kind === 'api_key') {
    throw new GrantKitError('unsupported_token_type', 'API keys are not revoked here; revoke them with the API keys of the application.');
  }
  await revokeWithFamily(kit, form.token, found);
}
