import { randomUUID } from 'node:crypto';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { GrantRecord, TokenKind, TokenRecord } from '../store/records.js';
import type { ConnectorRecord, CredentialRecord } from '../connectors/connector-records.js';

/*
 * The records the suite writes, each with fresh random ids, on a fixed clock far from the real one.
 */

// A fixed clock far from the real one: a store that compares expiry to its own clock fails here.
export const T0 = 1_700_000_000_000;
export const MINUTE = 60_000;

export interface Issued {
  readonly secret: string;
  readonly record: TokenRecord;
}

export const PREFIX: Record<TokenKind, string> = {
  access: TOKEN_PREFIX.access,
  refresh: TOKEN_PREFIX.refresh,
  code: TOKEN_PREFIX.code,
  flow: TOKEN_PREFIX.flow,
  api_key: TOKEN_PREFIX.apiKey,
};

export function token(kind: TokenKind, over: Partial<TokenRecord> = {}): Issued {
  const secret = newSecret(PREFIX[kind]);
  const record: TokenRecord = {
    hash: hashSecret(secret),
    kind,
    clientId: 'client-contract',
    grantId: `grant-${randomUUID()}`,
    family: `family-${randomUUID()}`,
    createdAt: T0,
    expiresAt: T0 + 10 * MINUTE,
    data: null,
    ...over,
  };
  return { secret, record };
}

export function connector(over: Partial<ConnectorRecord> = {}): ConnectorRecord {
  const id = `connector-${randomUUID()}`;
  return {
    id,
    provider: `provider-${randomUUID()}`,
    name: 'Contract connector',
    clientId: `client-id-${randomUUID()}`,
    // Shaped like a keyring seal: the store keeps it as an opaque string.
    clientSecret: `v1.kid.${Buffer.from(randomUUID()).toString('base64url')}`,
    settings: { tenant: 'common' },
    defaultScopes: ['openid', 'email'],
    allowedScopes: null,
    endpoints: null,
    activeCredentialId: null,
    owner: null,
    clients: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function credential(provider: string, over: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    id: `credential-${randomUUID()}`,
    provider,
    owner: null,
    name: `credential-${randomUUID()}`,
    type: 'connector',
    data: `v1.kid.${Buffer.from(randomUUID()).toString('base64url')}`,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function grant(over: Partial<GrantRecord> = {}): GrantRecord {
  const id = over.id ?? `grant-${randomUUID()}`;
  return {
    id,
    clientId: `client-${randomUUID()}`,
    provider: 'google',
    email: `${id}@example.com`,
    name: 'Ada Lovelace',
    scopes: ['email.read_only', 'calendar'],
    status: 'valid',
    settings: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}
