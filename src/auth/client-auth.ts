import { GrantkitError } from '../errors/error.js';
import type { ClientRegistry, RegisteredClient } from '../clients.js';
import type { Credential } from './credentials.js';

/**
 * Which client secret a request presents, if any. HTTP Basic comes in Nylas's form
 * (`secret:`, the v6 SDK) or RFC 6749's (`client_id:secret`); the body may carry `client_secret`.
 * Presenting two different secrets is refused rather than guessed at.
 */
export function presentedSecret(cred: Credential, bodySecret: unknown, clientId: string): string | undefined {
  let fromHeader: string | undefined;
  if (cred.kind === 'basic') {
    if (cred.pass === '') fromHeader = cred.user;
    else if (cred.user === clientId) fromHeader = cred.pass;
    else throw invalidClient();
  }
  const fromBody = typeof bodySecret === 'string' && bodySecret !== '' ? bodySecret : undefined;
  if (bodySecret !== undefined && bodySecret !== null && typeof bodySecret !== 'string') {
    throw new GrantkitError('invalid_request', '"client_secret" must be a string.');
  }
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) throw invalidClient();
  return fromHeader ?? fromBody;
}

/**
 * Looks up the client and checks a presented secret. `required`: a confidential client must
 * present its secret (code exchange); otherwise a secret is optional but, if sent, must be right.
 */
export function authenticateClient(
  clients: ClientRegistry,
  clientId: string,
  secret: string | undefined,
  required: boolean,
): RegisteredClient {
  const client = clients.get(clientId);
  if (!client) throw new GrantkitError('invalid_client', 'Unknown "client_id".');
  if (secret === undefined) {
    if (required && client.secretHash !== null) throw invalidClient();
    return client;
  }
  if (!clients.secretMatches(client, secret)) throw invalidClient();
  return client;
}

function invalidClient(): GrantkitError {
  return new GrantkitError('invalid_client', 'Client authentication failed.');
}
