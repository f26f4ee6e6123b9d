import * as z from 'zod';
import type { Consumed, GrantRecord, TokenRecord } from '../records.js';
import type { ConnectorRecord, CredentialRecord } from '../../connectors/connector-records.js';
import { connectorEndpoints, connectorSettings, credentialType, grantIdentity, grantStatus, scopeVocabulary, stringList, tokenKind } from '../record-schemas.js';
import { jsonText, parseStored } from '../stored.js';

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

// The records as this store writes them, checked when read back (stored.ts). A field left out of
// the JSON reads back absent, so a record reads back exactly as it was put.
const grantRecord = z.object({
  id: z.string(),
  clientId: z.string(),
  provider: z.string(),
  email: z.string(),
  name: z.string(),
  scopes: stringList,
  status: grantStatus,
  settings: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  // Absent on grants stored before they recorded their vocabulary or their identity.
  scopeVocabulary: scopeVocabulary.optional(),
  identity: grantIdentity.nullable().optional(),
}) satisfies z.ZodType<GrantRecord>;

const tokenRecord = z.object({
  hash: z.string(),
  kind: tokenKind,
  clientId: z.string(),
  grantId: z.string().nullable(),
  family: z.string().nullable(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  data: z.string().nullable(),
  // Absent on tokens stored before they recorded their scopes.
  scopes: stringList.nullable().optional(),
}) satisfies z.ZodType<TokenRecord>;

// Rows written before connectors had owners have no `owner` or `clients`: they are the app's and
// serve every client.
const connectorRecord = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  clientId: z.string().nullable(),
  clientSecret: z.string().nullable(),
  settings: connectorSettings,
  defaultScopes: stringList,
  allowedScopes: stringList.nullable(),
  endpoints: connectorEndpoints.nullable(),
  activeCredentialId: z.string().nullable(),
  owner: z.string().nullable().default(null),
  clients: stringList.nullable().default(null),
  createdAt: z.number(),
  updatedAt: z.number(),
}) satisfies z.ZodType<ConnectorRecord>;

const credentialRecord = z.object({
  id: z.string(),
  provider: z.string(),
  owner: z.string().nullable().default(null),
  name: z.string(),
  type: credentialType,
  data: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
}) satisfies z.ZodType<CredentialRecord>;

const grantText = jsonText(grantRecord);
const tokenText = jsonText(tokenRecord);
const connectorText = jsonText(connectorRecord);
const credentialText = jsonText(credentialRecord);

export function parseGrant(json: string): GrantRecord {
  return parseStored(grantText, json, 'grant');
}

export function parseToken(json: string): TokenRecord {
  return parseStored(tokenText, json, 'token');
}

export function parseConnector(json: string): ConnectorRecord {
  return parseStored(connectorText, json, 'connector');
}

export function parseCredential(json: string): CredentialRecord {
  return parseStored(credentialText, json, 'credential');
}
