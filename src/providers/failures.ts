import { InvalidCredentialError } from '../connectors/provider-calls.js';
import { GrantKitError, isGrantKitError } from '../errors/error.js';
import { ProviderAuthError } from './provider.js';

/**
 * What a sign-in answers when asking the provider failed, for every flow that asks one (native
 * and custom authentication, refresh-token and service-account checks):
 * - a GrantKitError (a provider's own 400 for a missing or malformed setting, a rate limit, the
 *   store's 503) passes on as it is;
 * - the provider refused the credentials: 401 `provider_auth_failed`;
 * - the stored credential itself cannot be used (a malformed service-account key): 400;
 * - anything else (unreachable, timed out, an answer that makes no sense): 502 `provider_error`,
 *   with the cause kept for the app's onError, never in the response.
 */
export function providerFailure(e: unknown): GrantKitError {
  if (isGrantKitError(e)) return e;
  if (e instanceof ProviderAuthError) return new GrantKitError('provider_auth_failed', 'The provider did not accept these credentials.');
  if (e instanceof InvalidCredentialError) return new GrantKitError('invalid_request', `The credential cannot be used: ${e.message}.`);
  return new GrantKitError('provider_error', 'The provider could not be reached; try again.', { cause: e });
}
