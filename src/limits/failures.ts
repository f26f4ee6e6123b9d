import { isGrantKitError, type GrantKitError } from '../errors/error.js';
import { ProviderAuthError } from '../providers/provider.js';

/** What counts as a failure for the rate limits (rate-limits.ts): a wrong credential, not an outage. */

/** Errors marked by wrongCredential: held weakly, so a marked error is collected as any other. */
const wrongCredentials = new WeakSet<GrantKitError>();

/**
 * Marks an error as a wrong credential for the per-IP secret limit, where its code alone does not
 * say so (an unknown refresh token is `invalid_grant`, like a replayed one, which is not counted).
 */
export function wrongCredential<E extends GrantKitError>(err: E): E {
  wrongCredentials.add(err);
  return err;
}

/** A failed client secret or API key (`invalid_client`), or a credential marked as wrong. */
export function isSecretFailure(e: unknown): boolean {
  return isGrantKitError(e) && (e.code === 'invalid_client' || wrongCredentials.has(e));
}

/** The provider refused the user's credentials (not: could not be reached, or a bad request). */
export function isLoginFailure(e: unknown): boolean {
  return e instanceof ProviderAuthError || (isGrantKitError(e) && e.code === 'provider_auth_failed');
}
