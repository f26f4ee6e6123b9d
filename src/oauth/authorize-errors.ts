import type { SignInParty } from '../audit/sign-in.js';
import type { GrantKitError } from '../errors/error.js';
import { PAGE_HEADERS, renderErrorPage, type PageLook } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import { en } from '../locales/en.js';
import type { KitFoundation } from '../kit/foundation.js';
import { authorizationResponseUri } from './callback-uri.js';
import { lookOf } from './page-look.js';

export interface AuthorizeError {
  readonly redirectUri: string;
  readonly state: string | undefined;
  /** v2 without redirect_on_error shows a page instead. */
  readonly redirect: boolean;
  /** The page's language and theme, when it is a page; English and plain when not given. */
  readonly look?: PageLook;
  /** The kit's issuer, which every authorization response names (RFC 9207). */
  readonly issuer: string;
}

/** Where a sign-in's errors go: back to its app, or, when the app asked for none, to a page in the sign-in's look. */
export function toApp(kit: KitContext, r: { readonly clientId: string; readonly redirectUri: string; readonly state?: string | undefined; readonly redirectOnError: boolean; readonly locale?: string | undefined }): AuthorizeError {
  return { redirectUri: r.redirectUri, state: r.state, redirect: r.redirectOnError, look: lookOf(kit, r), issuer: kit.options.issuer };
}

/**
 * An error after the client and callback are known good: back to the app (OAuth style), or a
 * page, which links back to the app with the same answer the redirect would have carried.
 */
export function errorResponse(to: AuthorizeError, err: GrantKitError): ResponseDescriptor {
  const oauthError = oauthErrorOf(err);
  const location = authorizationResponseUri(to.issuer, to.redirectUri, {
    error: oauthError,
    error_description: err.message,
    ...(err.v3Type !== undefined ? { error_type: err.v3Type } : {}),
    state: to.state,
  });
  // A rate-limited sign-in is always a page: the user must read when to try again.
  if (err.code === 'rate_limited' || !to.redirect) return renderErrorPage(err, err.v3Type ?? oauthError, to.look ?? { t: en }, location);
  return { status: 302, headers: { location, ...PAGE_HEADERS } };
}

/** A hosted sign-in refused once its client and callback are known: reported as failed, then answered as errorResponse does. */
export function signInRefused(kit: KitFoundation, party: Omit<SignInParty, 'flow'>, to: AuthorizeError, err: GrantKitError): ResponseDescriptor {
  kit.audit?.emit({ type: 'signin.failed', flow: 'hosted', ...party, reason: err.code });
  return errorResponse(to, err);
}

/** RFC 6749 section 4.1.2.1 error codes: the user or provider said no, the server is busy or failed, or the request was bad. */
function oauthErrorOf(err: GrantKitError): string {
  if (err.code === 'unsupported_response_type') return 'unsupported_response_type';
  if (err.code === 'provider_auth_failed' || err.v3Type === 'grant.scopes_conflict') return 'access_denied';
  if (err.code === 'rate_limited') return 'temporarily_unavailable';
  if (err.status >= 500) return 'server_error';
  return 'invalid_request';
}
