import { isScopeVocabulary } from '../../scopes/vocabulary.js';
import type { GrantIdentity, GrantRecord, GrantStatus, TokenKind, TokenRecord } from '../records.js';
import type { ConnectorRecord, CredentialRecord, CredentialType } from '../../connectors/records.js';

/**
 * Rows of the SQL stores (SQLite and PostgreSQL) and the records they hold, both ways. The two
 * schemas share their snake_case columns; they differ in how a driver hands back two kinds of
 * value, and the readers below accept either form, so one mapper serves both stores:
 * - times: pg returns BIGINT as strings (they can exceed 2^53), SQLite INTEGER as numbers. Ours are
 *   milliseconds, so Number() is exact;
 * - lists of strings: PostgreSQL keeps them as text[] and returns arrays, SQLite keeps JSON text.
 * Writing, a store says how it stores a list (ListEncoder); the rest of a row is the same.
 */

export type SqlTime = string | number;
export type SqlList = string[] | string;

/** How a store writes a list column: JSON text (SQLite) or an array (PostgreSQL text[]). */
export type ListEncoder = (list: readonly string[]) => unknown;

/** One value per column, named: SQLite binds them by name, PostgreSQL puts them in column order. */
export type Params<C extends string> = { readonly [K in C]: unknown };

export const GRANT_COLUMN_NAMES = [
  'id',
  'client_id',
  'provider',
  'email',
  'name',
  'scopes',
  'status',
  'settings',
  'created_at',
  'updated_at',
  // Added later (nullable, appended): the vocabulary the scopes were granted in, and the recorded
  // proof of the address as JSON text.
  'scope_vocabulary',
  'identity',
] as const;
export const TOKEN_COLUMN_NAMES = [
  'hash',
  'kind',
  'client_id',
  'grant_id',
  'family',
  'created_at',
  'expires_at',
  'data',
  // Added later (nullable, appended): the scopes the token was issued with, as JSON text.
  'scopes',
] as const;
export const CONNECTOR_COLUMN_NAMES = [
  'provider',
  'id',
  'name',
  'client_id',
  'client_secret',
  'settings',
  'default_scopes',
  'allowed_scopes',
  'endpoints',
  'active_credential_id',
  'created_at',
  'updated_at',
  'owner',
  'clients',
] as const;
export const CREDENTIAL_COLUMN_NAMES = ['id', 'provider', 'name', 'type', 'data', 'created_at', 'updated_at', 'owner'] as const;

/**
 * The `owner` column of connectors and credentials: a client id, or '' for the app's connectors
 * (configured in code, and every row older than ownership). Not NULL, so that (owner, provider)
 * is a plain unique key in both SQL dialects; client ids are never empty.
 */
export const APP_OWNER = '';
const ownerColumn = (owner: string | null): string => owner ?? APP_OWNER;
const ownerOf = (column: string): string | null => (column === APP_OWNER ? null : column);

export const GRANT_COLUMNS = GRANT_COLUMN_NAMES.join(', ');
/** What a store reads back of a token; `consumed_at` is written and read apart, as the stores differ there. */
export const TOKEN_COLUMNS = TOKEN_COLUMN_NAMES.join(', ');
export const CONNECTOR_COLUMNS = CONNECTOR_COLUMN_NAMES.join(', ');
export const CREDENTIAL_COLUMNS = CREDENTIAL_COLUMN_NAMES.join(', ');

/** A grant is written with `email_lower` after its columns: the lookups match on it, it is never read back. */
export type GrantParams = Params<(typeof GRANT_COLUMN_NAMES)[number] | 'email_lower'>;
export type TokenParams = Params<(typeof TOKEN_COLUMN_NAMES)[number]>;
export type ConnectorParams = Params<(typeof CONNECTOR_COLUMN_NAMES)[number]>;
export type CredentialParams = Params<(typeof CREDENTIAL_COLUMN_NAMES)[number]>;

export interface GrantRow {
  id: string;
  client_id: string;
  provider: string;
  email: string;
  name: string;
  scopes: SqlList;
  status: string;
  settings: string | null;
  created_at: SqlTime;
  updated_at: SqlTime;
  /** Null on grants stored before grants recorded their vocabulary. */
  scope_vocabulary: string | null;
  identity: string | null;
}

export interface TokenRow {
  hash: string;
  kind: string;
  client_id: string;
  grant_id: string | null;
  family: string | null;
  created_at: SqlTime;
  expires_at: SqlTime | null;
  data: string | null;
  scopes: string | null;
}

export interface ConnectorRow {
  provider: string;
  id: string;
  name: string;
  client_id: string | null;
  client_secret: string | null;
  settings: string;
  default_scopes: SqlList;
  allowed_scopes: SqlList | null;
  endpoints: string | null;
  active_credential_id: string | null;
  created_at: SqlTime;
  updated_at: SqlTime;
  owner: string;
  clients: SqlList | null;
}

export interface CredentialRow {
  id: string;
  provider: string;
  name: string;
  type: string;
  data: string;
  created_at: SqlTime;
  updated_at: SqlTime;
  owner: string;
}

/** A grant LEFT JOINed to a token, its columns prefixed with `g_`: all null when there is no grant. */
export type JoinedGrantRow = { [K in keyof GrantRow as `g_${K}`]: GrantRow[K] | null };

function readTime(v: SqlTime): number {
  return Number(v);
}

function readList(v: SqlList): string[] {
  return Array.isArray(v) ? v : (JSON.parse(v) as string[]);
}

export function toGrant(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    provider: row.provider,
    email: row.email,
    name: row.name,
    scopes: readList(row.scopes),
    status: row.status as GrantStatus,
    settings: row.settings,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
    // Absent, not undefined, on older grants: the record reads back exactly as it was put.
    ...(isScopeVocabulary(row.scope_vocabulary) ? { scopeVocabulary: row.scope_vocabulary } : {}),
    // Only when recorded, so a record put without one reads back exactly as it went in.
    ...(row.identity === null || row.identity === undefined ? {} : { identity: JSON.parse(row.identity) as GrantIdentity }),
  };
}

/**
 * The grant of a resolve's join, or null when the token has none (an API key) or it is gone. The
 * columns are NOT NULL, so with a `g_id` the fallbacks never apply; they only satisfy the types.
 */
export function toJoinedGrant(row: JoinedGrantRow): GrantRecord | null {
  if (row.g_id === null) return null;
  return toGrant({
    id: row.g_id,
    client_id: row.g_client_id ?? '',
    provider: row.g_provider ?? '',
    email: row.g_email ?? '',
    name: row.g_name ?? '',
    scopes: row.g_scopes ?? [],
    status: row.g_status ?? 'invalid',
    settings: row.g_settings,
    created_at: row.g_created_at ?? 0,
    updated_at: row.g_updated_at ?? 0,
    scope_vocabulary: row.g_scope_vocabulary,
    identity: row.g_identity ?? null,
  });
}

export function toToken(row: TokenRow): TokenRecord {
  return {
    hash: row.hash,
    kind: row.kind as TokenKind,
    clientId: row.client_id,
    grantId: row.grant_id,
    family: row.family,
    createdAt: readTime(row.created_at),
    expiresAt: row.expires_at === null ? null : readTime(row.expires_at),
    data: row.data,
    ...(row.scopes === null || row.scopes === undefined ? {} : { scopes: JSON.parse(row.scopes) as string[] }),
  };
}

export function toConnector(row: ConnectorRow): ConnectorRecord {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    clientId: row.client_id,
    clientSecret: row.client_secret,
    settings: JSON.parse(row.settings) as Record<string, string>,
    defaultScopes: readList(row.default_scopes),
    allowedScopes: row.allowed_scopes === null ? null : readList(row.allowed_scopes),
    endpoints: row.endpoints === null ? null : (JSON.parse(row.endpoints) as ConnectorRecord['endpoints']),
    activeCredentialId: row.active_credential_id,
    owner: ownerOf(row.owner),
    clients: row.clients === null ? null : readList(row.clients),
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

export function toCredential(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    provider: row.provider,
    owner: ownerOf(row.owner),
    name: row.name,
    type: row.type as CredentialType,
    data: row.data,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

// The param builders go column by column, so nothing a caller attached to a record is stored.

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
export function identityJson(i: GrantIdentity): string {
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
