import { basicSecretClient } from '../../../../../auth/client-auth.js';
import type { RegisteredClient } from '../../../../../clients.js';
import { GrantKitError } from '../../../../../errors/error.js';
import type { RequestLike } from '../../../../../http/types.js';
import type { GrantRecord } from '../../../../../store/records.js';
import type { KitContext } from '../../../../../kit/context.js';

/**
 * The v2 management routes `/a/{client_id}/...` authenticate with the client secret as HTTP Basic
 * `secret:` (the v6 SDK sends exactly that). The path's client must be the secret's.
 */
export function managementClient(kit: KitContext, req: RequestLike, clientId: string): RegisteredClient {
  return basicSecretClient(kit.clients, clientId, req.headers.authorization, kit.options.realm);
}

/** One account of the client, or 404 (another client's account is not found either). */
export async function clientAccount(kit: KitContext, client: RegisteredClient, id: string): Promise<GrantRecord> {
  const grant = await kit.store.getGrant(id);
  if (!grant || grant.clientId !== client.id) throw new GrantKitError('not_found', 'No such account.');
  return grant;
}

/** The v2 management API's account object (note `email`, not `email_address`, here). */
export function managementAccount(g: GrantRecord): Record<string, unknown> {
  return {
    id: g.id,
    account_id: g.id,
    billing_state: 'paid',
    email: g.email,
    provider: g.provider,
    sync_state: g.status === 'valid' ? 'running' : 'invalid-credentials',
    trial: false,
    namespace_id: g.id,
    authentication_type: 'password',
    metadata: {},
  };
}
