import type { Consumed, GrantRecord, TokenRecord } from '../records.js';
import type { ConnectorRecord, CredentialRecord } from '../../connectors/records.js';

/**
 * How the Redis store writes records as JSON and reads them back, and how it names a connector's
 * slot and a grant's email field (see the key layout in store.ts). Records are written field by
 * field, so nothing a caller attached to one is ever stored.
 */

export function emailField(clientId: string, email: string): string {
  return JSON.stringify([clientId, email.toLowerCase()]);
}

export function consumed(reply: unknown): Consumed | undefined {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
  return { record: parseToken(reply[0]), firstUse: reply[1] === 1 };
}

export function strings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.filter((x): x is string => typeof x === 'string') : [];
}

// Field by field, so nothing a caller attached to the object (say, the plaintext) is ever stored.
export function grantJson(g: GrantRecord): string {
  const { id, clientId, provider, email, name, scopes, status, settings, createdAt, updatedAt, scopeVocabulary } = g;
  // JSON leaves out an undefined scopeVocabulary or identity, so an older grant reads back without them.
  const identity = g.identity ? { subject: g.identity.subject, strength: g.identity.strength, method: g.identity.method } : undefined;
  return JSON.stringify({ id, clientId, provider, email, name, scopes, status, settings, createdAt, updatedAt, scopeVocabulary, identity });
}

export function tokenJson(t: TokenRecord): string {
  const { hash, kind, clientId, grantId, family, createdAt, expiresAt, data } = t;
  // `scopes` only when recorded: older tokens (none) act with their grant's scopes.
  const scopes = t.scopes ? [...t.scopes] : undefined;
  return JSON.stringify({ hash, kind, clientId, grantId, family, createdAt, expiresAt, data, scopes });
}

export function connectorJson(c: ConnectorRecord): string {
  const { id, provider, name, clientId, clientSecret, settings, defaultScopes, allowedScopes, endpoints, activeCredentialId, owner, clients, createdAt, updatedAt } = c;
  return JSON.stringify({ id, provider, name, clientId, clientSecret, settings, defaultScopes, allowedScopes, endpoints, activeCredentialId, owner, clients, createdAt, updatedAt });
}

export function credentialJson(c: CredentialRecord): string {
  const { id, provider, owner, name, type, data, createdAt, updatedAt } = c;
  return JSON.stringify({ id, provider, owner, name, type, data, createdAt, updatedAt });
}

/** Where a connector of that owner and provider lives (see the key layout in store.ts). */
export function slot(provider: string, owner: string | null): string {
  return owner === null ? provider : JSON.stringify([owner, provider]);
}

// Rows written before connectors had owners have no `owner` or `clients`: they are the app's and
// serve every client.
export function parseConnector(json: string): ConnectorRecord {
  const c = JSON.parse(json) as ConnectorRecord;
  return { ...c, owner: c.owner ?? null, clients: c.clients ?? null };
}

export function parseCredential(json: string): CredentialRecord {
  const c = JSON.parse(json) as CredentialRecord;
  return { ...c, owner: c.owner ?? null };
}

// Records are written by this store from typed values, so parsing trusts their shape.
export function parseGrant(json: string): GrantRecord {
  return JSON.parse(json) as GrantRecord;
}

export function parseToken(json: string): TokenRecord {
  return JSON.parse(json) as TokenRecord;
}
