import type { GrantIdentity, GrantRecord, TokenRecord } from '../records.js';
import type { ConnectorRecord, CredentialRecord } from '../../connectors/connector-records.js';
import {
  APP_OWNER,
  type CONNECTOR_COLUMN_NAMES,
  type CREDENTIAL_COLUMN_NAMES,
  type GRANT_COLUMN_NAMES,
  type TOKEN_COLUMN_NAMES,
} from './columns.js';

/**
 * Records as the values of the SQL stores' columns (columns.ts). The two schemas differ in how they
 * keep a list of strings: a store says how it writes one (ListEncoder); the rest of a row is the same.
 * The builders go column by column, so nothing a caller attached to a record is stored.
 */

/** How a store writes a list column: JSON text (SQLite) or an array (PostgreSQL text[]). */
export type ListEncoder = (list: readonly string[]) => unknown;

/** SQLite keeps a list as JSON text: it gives back exactly the strings that went in. */
export const JSON_LIST: ListEncoder = (list) => JSON.stringify(list);

/** PostgreSQL keeps a list in a text[] column, which pg fills from an array (a copy, so the record's own is not held). */
export const ARRAY_LIST: ListEncoder = (list) => [...list];

/** One value per column, named: SQLite binds them by name, PostgreSQL puts them in column order. */
export type Params<C extends string> = { readonly [K in C]: unknown };

/** A grant is written with `email_lower` after its columns: the lookups match on it, it is never read back. */
export type GrantParams = Params<(typeof GRANT_COLUMN_NAMES)[number] | 'email_lower'>;
export type TokenParams = Params<(typeof TOKEN_COLUMN_NAMES)[number]>;
export type ConnectorParams = Params<(typeof CONNECTOR_COLUMN_NAMES)[number]>;
export type CredentialParams = Params<(typeof CREDENTIAL_COLUMN_NAMES)[number]>;

const ownerColumn = (owner: string | null): string => owner ?? APP_OWNER;

export function grantParams(g: GrantRecord, list: ListEncoder): GrantParams {
  return {
    id: g.id,
    client_id: g.clientId,
    provider: g.provider,
    email: g.email,
    name: g.name,
    scopes: list(g.scopes),
    status: g.status,
    settings: g.settings,
    created_at: g.createdAt,
    updated_at: g.updatedAt,
    scope_vocabulary: g.scopeVocabulary ?? null,
    identity: g.identity ? identityJson(g.identity) : null,
    email_lower: g.email.toLowerCase(),
  };
}

export function tokenParams(t: TokenRecord): TokenParams {
  return {
    hash: t.hash,
    kind: t.kind,
    client_id: t.clientId,
    grant_id: t.grantId,
    family: t.family,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    data: t.data,
    scopes: t.scopes ? JSON.stringify(t.scopes) : null,
  };
}

/** Field by field: nothing else a caller attached is stored. */
function identityJson(i: GrantIdentity): string {
  return JSON.stringify({ subject: i.subject, strength: i.strength, method: i.method });
}

// Settings and endpoints are JSON text in both schemas: it gives back exactly the strings that went
// in, and null stays apart from [] or {}.
export function connectorParams(c: ConnectorRecord, list: ListEncoder): ConnectorParams {
  return {
    provider: c.provider,
    id: c.id,
    name: c.name,
    client_id: c.clientId,
    client_secret: c.clientSecret,
    settings: JSON.stringify(c.settings),
    default_scopes: list(c.defaultScopes),
    allowed_scopes: c.allowedScopes === null ? null : list(c.allowedScopes),
    endpoints: c.endpoints === null ? null : JSON.stringify(c.endpoints),
    active_credential_id: c.activeCredentialId,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    owner: ownerColumn(c.owner),
    clients: c.clients === null ? null : list(c.clients),
  };
}

export function credentialParams(c: CredentialRecord): CredentialParams {
  return {
    id: c.id,
    provider: c.provider,
    name: c.name,
    type: c.type,
    data: c.data,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    owner: ownerColumn(c.owner),
  };
}
