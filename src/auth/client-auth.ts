import { GrantKitError } from '../errors/error.js';
import type { ClientRegistry, RegisteredClient } from '../clients.js';
import { hashSecret } from '../crypto/tokens.js';
import { basicChallenge } from '../errors/challenges.js';
import { CREDENTIALS_MESSAGE } from '../errors/messages.js';
import type { Store } from '../store/store.js';
import type { TokenRecord } from '../store/records.js';
import type { AuditTrail } from '../audit/trail.js';
import { publicId } from '../apikeys.js';
import { readAuthorization, type Credential } from './credentials.js';

/**
 * How a client authenticates, in every form grantkit accepts, and nothing else anywhere:
 * - the body's `client_secret` (native `/connect/*`, hosted v2 `/oauth/token`);
 * - HTTP Basic as Nylas sends it, `secret:` (the v6 SDK; the v2 management routes take only this);
 * - HTTP Basic as RFC 6749 sends it, `client_id:secret`, each part form-encoded (`/v3/connect/token`,
 *   and the RFC 7009 and RFC 7662 forms of `/v3/connect/revoke` and `/v3/connect/introspect`);
 * - an API key of the same client in place of the secret (the v8 SDK sends one as `client_secret`).
 */

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
    throw new GrantKitError('invalid_request', '"client_secret" must be a string.');
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
  if (!client) throw new GrantKitError('invalid_client', 'Unknown "client_id".');
  if (secret === undefined) {
    if (required && client.secretHash !== null) throw invalidClient();
    return client;
  }
  if (!clients.secretMatches(client, secret)) throw invalidClient();
  return client;
}

/**
 * A confidential client by its id and secret, both required (hosted v2 `/oauth/token`): an unknown
 * client and a wrong secret get the same answer.
 */
export function clientWithSecret(clients: ClientRegistry, clientId: string, secret: string): RegisteredClient {
  const client = clients.get(clientId);
  if (!client || !clients.secretMatches(client, secret)) throw invalidClient();
  return client;
}

/**
 * The v2 management routes (`/a/{client_id}/…`): the client secret as HTTP Basic `secret:`, for
 * the client the path names. Anything else is 401 with the Basic challenge.
 */
export function basicSecretClient(clients: ClientRegistry, clientId: string, authorization: string | string[] | undefined, realm: string): RegisteredClient {
  const cred = readAuthorization(authorization);
  const client = clients.get(clientId);
  const secret = cred.kind === 'basic' && cred.pass === '' ? cred.user : undefined;
  if (!client || secret === undefined || !clients.secretMatches(client, secret)) {
    throw new GrantKitError('invalid_client', CREDENTIALS_MESSAGE, { headers: { 'www-authenticate': basicChallenge(realm) } });
  }
  return client;
}

/**
 * The v3 token endpoint's check of a presented secret: the client's secret, or an API key of the
 * same client (the v8 SDK, from 8.4.0, sends the API key as `client_secret`). Undefined when
 * nothing was presented; false when what was presented is neither.
 */
export async function secretOrApiKeyMatches(
  clients: ClientRegistry,
  store: Store,
  now: number,
  client: RegisteredClient,
  secret: string | undefined,
  onApiKey?: (key: TokenRecord) => void,
): Promise<boolean | undefined> {
  if (secret === undefined || secret === '') return undefined;
  if (clients.secretMatches(client, secret)) return true;
  const resolved = await store.resolve(hashSecret(secret), now);
  if (resolved?.token.kind !== 'api_key' || resolved.token.clientId !== client.id) return false;
  onApiKey?.(resolved.token);
  return true;
}

/** The one answer to a failed client authentication. */
export function invalidClient(): GrantKitError {
  return new GrantKitError('invalid_client', 'Client authentication failed.');
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
    if (bodyClientId === undefined) throw new GrantKitError('invalid_request', '"client_id" is required.');
    return { clientId: bodyClientId, secret: fromBody, basic: false };
  }
  const failed = (): GrantKitError => withClientChallenge(invalidClient(), true, realm);
  const cred = readAuthorization(authorization);
  if (cred.kind !== 'basic') throw failed();
  const id = formDecode(cred.user);
  const secret = formDecode(cred.pass);
  if (id === undefined || id === '' || secret === undefined) throw failed();
  if (bodyClientId !== undefined && bodyClientId !== id) throw failed();
  if (secret !== '' && fromBody !== undefined) {
    throw new GrantKitError('invalid_request', 'Send the client secret in the Authorization header or in the body, not both.');
  }
  return { clientId: id, secret: secret === '' ? fromBody : secret, basic: true };
}

/** What endpointClient reads: the kit's clients, its store (API keys) and clock, and the realm of its challenges. */
export interface ClientAuthDeps {
  readonly clients: ClientRegistry;
  readonly store: Store;
  now(): number;
  readonly options: { readonly realm: string };
  /** Told when an API key stood in for the client secret, as it is when a key authenticates a request. */
  readonly audit?: Pick<AuditTrail, 'emit'> | undefined;
}

/** A client at an OAuth endpoint, and whether it proved itself with its secret (or an API key of its own). */
export interface EndpointClient {
  readonly client: RegisteredClient;
  /** False when it presented nothing: a public client, or a code exchange that PKCE stands in for. */
  readonly authenticated: boolean;
}

/**
 * Who must prove itself at an endpoint: every client (introspection), a confidential one (a public
 * client names itself by id, as at revocation), or nobody yet (the token endpoint decides by grant).
 */
export type ProofRequired = 'always' | 'confidential' | 'endpoint';

/**
 * Client authentication at the OAuth endpoints (token, revocation, introspection): who the client
 * says it is (tokenEndpointClient's rules), and the secret or API key it presents checked. An
 * unknown client, a wrong secret and a missing one that `required` asks for are the same
 * `invalid_client`, with the Basic challenge when the client tried HTTP Basic.
 */
export async function endpointClient(
  deps: ClientAuthDeps,
  authorization: string | string[] | undefined,
  body: { readonly client_id?: string | undefined; readonly client_secret?: string | undefined },
  required: ProofRequired,
): Promise<EndpointClient> {
  // Where every caller must prove itself, one that names no client has failed to: 401, not a missing field.
  if (required === 'always' && body.client_id === undefined && !isBasicScheme(authorization)) throw invalidClient();
  const presented = tokenEndpointClient(authorization, body.client_id, body.client_secret, deps.options.realm);
  const client = deps.clients.get(presented.clientId);
  const keyUsed = (key: TokenRecord): void => deps.audit?.emit({ type: 'apikey.used', keyId: publicId(key.hash), clientId: key.clientId });
  const matches = client && (await secretOrApiKeyMatches(deps.clients, deps.store, deps.now(), client, presented.secret, keyUsed));
  const missing = matches === undefined && (required === 'always' || (required === 'confidential' && client?.secretHash !== null));
  if (!client || matches === false || missing) throw withClientChallenge(invalidClient(), presented.basic, deps.options.realm);
  return { client, authenticated: matches === true };
}

/**
 * Adds the Basic challenge to an `invalid_client` failure when the client tried HTTP Basic:
 * RFC 6749 section 5.2 makes that a 401 with `WWW-Authenticate`. Other errors pass unchanged.
 */
export function withClientChallenge(err: GrantKitError, basic: boolean, realm: string): GrantKitError {
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
