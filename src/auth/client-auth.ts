import { GrantkitError } from '../errors/error.js';
import type { ClientRegistry, RegisteredClient } from '../clients.js';
import { basicChallenge } from '../errors/challenges.js';
import { readAuthorization, type Credential } from './credentials.js';

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

/**
 * Who a client says it is at the OAuth token endpoint (`/v3/connect/token`), and the secret it
 * presents. RFC 6749 section 2.3.1: HTTP Basic carries `client_id:client_secret`, each form-urlencoded
 * first; the body may carry them instead.
 * - Basic and a body `client_id` together must name the same client.
 * - A secret in both places is refused as `invalid_request`, even when the two agree: a request
 *   uses one authentication method (RFC 6749 section 2.3).
 * - Any other scheme is not client authentication and is left alone: the Nylas SDK always sends
 *   `Authorization: Bearer <API key>`, with the client's credentials in the body.
 * `basic` says the client tried HTTP Basic, so a failure must answer 401 with a Basic challenge
 * (RFC 6749 section 5.2; see withClientChallenge).
 */
export interface TokenEndpointClient {
  readonly clientId: string;
  readonly secret: string | undefined;
  readonly basic: boolean;
}

export function tokenEndpointClient(
  authorization: string | string[] | undefined,
  bodyClientId: string | undefined,
  bodySecret: string | undefined,
  realm: string,
): TokenEndpointClient {
  const fromBody = bodySecret === undefined || bodySecret === '' ? undefined : bodySecret;
  if (!isBasicScheme(authorization)) {
    if (bodyClientId === undefined) throw new GrantkitError('invalid_request', '"client_id" is required.');
    return { clientId: bodyClientId, secret: fromBody, basic: false };
  }
  const failed = (): GrantkitError => withClientChallenge(invalidClient(), true, realm);
  const cred = readAuthorization(authorization);
  if (cred.kind !== 'basic') throw failed();
  const id = formDecode(cred.user);
  const secret = formDecode(cred.pass);
  if (id === undefined || id === '' || secret === undefined) throw failed();
  if (bodyClientId !== undefined && bodyClientId !== id) throw failed();
  if (secret !== '' && fromBody !== undefined) {
    throw new GrantkitError('invalid_request', 'Send the client secret in the Authorization header or in the body, not both.');
  }
  return { clientId: id, secret: secret === '' ? fromBody : secret, basic: true };
}

/**
 * Adds the Basic challenge to an `invalid_client` failure when the client tried HTTP Basic:
 * RFC 6749 section 5.2 makes that a 401 with `WWW-Authenticate`. Other errors pass unchanged.
 */
export function withClientChallenge(err: GrantkitError, basic: boolean, realm: string): GrantkitError {
  if (basic && err.code === 'invalid_client') err.headers = { ...err.headers, 'www-authenticate': basicChallenge(realm) };
  return err;
}

/** Whether the Authorization header names the Basic scheme (well-formed or not). */
export function isBasicScheme(authorization: string | string[] | undefined): boolean {
  return typeof authorization === 'string' && /^basic(\s|$)/i.test(authorization);
}

/** application/x-www-form-urlencoded decoding of one Basic field; undefined when it is malformed. */
function formDecode(v: string): string | undefined {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
