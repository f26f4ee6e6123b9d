import { GrantkitError } from '../errors/error.js';

// The errors the connectors API answers with, built here so that Connectors, ClientConnectors and
// the credential operations answer the same words.

export function connectorNotFound(provider: string): GrantkitError {
  return new GrantkitError('not_found', `No connector for provider "${provider.slice(0, 64)}".`);
}

export function credentialNotFound(): GrantkitError {
  return new GrantkitError('not_found', 'Credential not found.');
}

/** A 400: the input does not describe a valid connector or credential. */
export function bad(message: string): GrantkitError {
  return new GrantkitError('invalid_request', message);
}
