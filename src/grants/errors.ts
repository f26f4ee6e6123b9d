import { GrantkitError } from '../errors/error.js';

/** The v3 error for an unknown grant: `grant.not_found`, 404, "Grant not found." */
export function grantNotFound(): GrantkitError {
  return new GrantkitError('grant_not_found', 'Grant not found.');
}
