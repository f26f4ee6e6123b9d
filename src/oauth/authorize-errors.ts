import type { GrantKitError } from '../errors/error.js';
import { PAGE_HEADERS, renderErrorPage } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import { authorizationResponseUri } from './callback-uri.js';

export interface AuthorizeError {
  readonly redirectUri: string;
  readonly state: string | undefined;
  /** v2 without redirect_on_error shows a page instead. */
  readonly redirect: boolean;
  /** The kit's issuer, which every authorization response names (RFC 9207). */
  readonly issuer: string;
}

/** Where the errors of a sign-in request go, once its client and callback URI are known good. */
export function errorTarget(
  issuer: string,
  r: { readonly redirectUri: string; readonly state?: string | undefined; readonly redirectOnError: boolean },
): AuthorizeError {
  return { redirectUri: r.redirectUri, state: r.state, redirect: r.redirectOnError, issuer };
}

/** An error after the client and callback are known good: back to the app (OAuth style), or a page. */
export function errorResponse(to: AuthorizeError, err: GrantKitError): ResponseDescriptor {
  const oauthError = oauthErrorOf(err);
  // A rate-limited sign-in is always a page: the user must read when to try again.
  if (err.code === 'rate_limited' || !to.redirect) return renderErrorPage(err, err.v3Type ?? oauthError);
  const location = authorizationResponseUri(to.issuer, to.redirectUri, {
    error: oauthError,
    error_description: err.message,
    ...(err.v3Type !== undefined ? { error_type: err.v3Type } : {}),
    state: to.state,
  });
  return { status: 302, headers: { location, ...PAGE_HEADERS } };
}

/** RFC 6749 section 4.1.2.1 error codes: the user or provider said no, the server failed, or the request was bad. */
function oauthErrorOf(err: GrantKitError): string {
  if (err.code === 'unsupported_response_type') return 'unsupported_response_type';
  if (err.code === 'provider_auth_failed' || err.v3Type === 'grant.scopes_conflict') return 'access_denied';
  if (err.status >= 500) return 'server_error';
  return 'invalid_request';
}
