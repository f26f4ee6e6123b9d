import * as z from 'zod';
import { endpointClient } from '../auth/client-auth.js';
import { unixSeconds } from '../http/unix-seconds.js';
import { parseInput } from '../http/validate.js';
import type { KitContext } from '../kit/context.js';
import { lookupOwnedToken } from './token-lookup.js';

/**
 * RFC 7662 token introspection, POST /v3/connect/introspect: what an API gateway asks before it
 * lets a bearer token through. The caller authenticates as a client (its secret or one of its API
 * keys, in the body or HTTP Basic), and sees only the tokens issued to that client.
 *
 * Anything not live, whether unknown, expired, revoked, another client's, an API key, or a token
 * whose grant is no longer valid, is exactly `{"active": false}`: the answer says nothing of why
 * (RFC 7662 section 2.2). A live access or refresh token is described by the scopes it acts with
 * (its own within the grant's, as the guards enforce them), its client, its grant as `sub`, and
 * its times; `exp` is left out for a v2 token, which lives until revoked.
 */
export const introspectionForm = z.object({
  token: z.string().max(2048),
  token_type_hint: z.string().max(64).optional(),
  client_id: z.string().min(1).max(256).optional(),
  client_secret: z.string().max(512).optional(),
});

const INACTIVE = Object.freeze({ active: false });

export async function introspect(kit: KitContext, body: unknown, authorization: string | string[] | undefined): Promise<Readonly<Record<string, unknown>>> {
  const form = parseInput(introspectionForm, body);
  // A public client cannot prove who is asking, and introspection answers only a client that can.
  const { client } = await endpointClient(kit, authorization, form, 'always');
  const found = await lookupOwnedToken(kit, { clientId: client.id }, form.token);
  if (found === undefined || found.token.kind === 'api_key' || found.grant === null || found.grant.status !== 'valid') return INACTIVE;
  const { token, grant } = found;
  return {
    active: true,
    scope: kit.auth.grantOfToken(grant, token).scopes.join(' '),
    client_id: token.clientId,
    sub: grant.id,
    iss: kit.options.issuer,
    iat: unixSeconds(token.createdAt),
    ...(token.expiresAt === null ? {} : { exp: unixSeconds(token.expiresAt) }),
    // RFC 7662's token_type is an access token's type (RFC 6749 section 7.1); a refresh token has none.
    ...(token.kind === 'access' ? { token_type: 'Bearer' } : {}),
  };
}
