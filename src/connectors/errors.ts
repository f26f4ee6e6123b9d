import { GrantKitError } from '../errors/error.js';

// The errors the connectors API answers with, built here so that Connectors, ClientConnectors and
// the credential operations answer the same words.

export function connectorNotFound(provider: string): GrantKitError {
  return new GrantKitError('not_found', `No connector for provider "${provider.slice(0, 64)}".`);
}

export function credentialNotFound(): GrantKitError {
  return new GrantKitError('not_found', 'Credential not found.');
}

/** A 400: the input does not describe a valid connector or credential. */
export function bad(message: string): GrantKitError {
  return new GrantKitError('invalid_request', message);
}
