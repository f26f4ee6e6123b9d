import { GrantKitError } from '../errors/error.js';
import { bearerChallenge } from '../errors/challenges.js';

/**
 * Where the caller's credential may travel on a bearer-protected request (the guards, `gate()`,
 * `resolve()`, `/account`, `/v3/connect/userinfo`, `/v3/grants/*`): in one Authorization header,
 * and only there.
 *
 * RFC 6750 section 2: a client "MUST NOT use more than one method to transmit the token in each
 * request". A token in the header and an `access_token` in the query or body leaves two answers
 * to "who is calling", and whichever one a layer reads, another may read the other; two
 * Authorization headers are the same ambiguity, and Node keeps only the first in `req.headers`
 * (both show in `rawHeaders`). Either is a 400 `invalid_request`.
 *
 * Revoke (`/oauth/revoke`, `/v3/connect/revoke`), `/v3/connect/tokeninfo` and v2 `token-info`
 * are not bearer-protected in this sense: the token in their query or body is the subject of the
 * call, not the caller's credential, and the SDKs send it there, so they never ask here.
 */

/** Whether one of grantkit's own routes takes its caller's token from the header alone. */
export function headerOnlyRoute(routePath: string): boolean {
  return routePath === '/account' || routePath === '/v3/connect/userinfo' || routePath === '/v3/grants' || routePath.startsWith('/v3/grants/');
}

/** The request facts the rule reads. */
export interface CredentialPlaces {
  readonly authorization: string | string[] | undefined;
  /** Node's `rawHeaders` (name, value, name, value…), when the adapter has them. */
  readonly rawHeaders?: readonly string[] | undefined;
  /** The raw query string, without `?`. */
  readonly query: string;
  /** The body as the host app's parser left it; undefined when nobody parsed it. */
  readonly body: unknown;
}

/** Undefined when the credential is in one place; the 400 otherwise. Nothing is looked up. */
export function misplacedCredential(places: CredentialPlaces, realm: string): GrantKitError | undefined {
  if (authorizationCount(places) > 1) return invalidRequest('Send one Authorization header, not several.', realm);
  if (places.authorization === undefined || places.authorization === '') return undefined;
  if (queryHasToken(places.query) || bodyHasToken(places.body)) {
    return invalidRequest('Send the access token in the Authorization header only, not also in the query or body.', realm);
  }
  return undefined;
}

function authorizationCount(places: CredentialPlaces): number {
  if (Array.isArray(places.authorization)) return places.authorization.length;
  const raw = places.rawHeaders;
  if (raw === undefined) return places.authorization === undefined ? 0 : 1;
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') n++;
  }
  return n;
}

/** The query string of a request target (`originalUrl`), without `?` and fragment. */
export function queryOf(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return '';
  const hash = target.indexOf('#', q);
  return target.slice(q + 1, hash < 0 ? undefined : hash);
}

function queryHasToken(query: string): boolean {
  // Cheap before exact: the name can only be there literally or percent-encoded.
  if (query === '' || (!query.includes('access') && !query.includes('%'))) return false;
  return new URLSearchParams(query).has('access_token');
}

function bodyHasToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, 'access_token');
}

function invalidRequest(message: string, realm: string): GrantKitError {
  return new GrantKitError('invalid_request', message, { headers: { 'www-authenticate': bearerChallenge(realm, 'invalid_request') } });
}
