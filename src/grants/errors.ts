import { GrantkitError } from '../errors/error.js';

/** §3.13: `grant.not_found`, 404, "Grant not found." */
export function grantNotFound(): GrantkitError {
  return new GrantkitError('grant_not_found', 'Grant not found.');
}
