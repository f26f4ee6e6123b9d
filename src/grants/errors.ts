import { GrantKitError } from '../errors/error.js';

/** The v3 error for an unknown grant: `grant.not_found`, 404, "Grant not found." */
export function grantNotFound(): GrantKitError {
  return new GrantKitError('grant_not_found', 'Grant not found.');
}

/**
 * 403 for a request naming a grant its caller may not reach: another grant than an access token's
 * own (`other`), or a request whose grant names cannot be read as one (`unreadable`).
 */
export function grantAccessDenied(reason: 'other' | 'unreadable'): GrantKitError {
  return new GrantKitError(
    'grant_access_denied',
    reason === 'other'
      ? 'Access to Grant denied: an access token may only name its own grant.'
      : 'Access to Grant denied: this request does not say clearly which grant it names.',
  );
}

/** 400 for an API key naming `me`: only an access token has a grant of its own. */
export function meNeedsAccessToken(): GrantKitError {
  return new GrantKitError('invalid_request', '"me" needs an access token; with an API key, name the grant by id or email.');
}
