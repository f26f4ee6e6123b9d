import * as z from 'zod';
import type { Consumed, GrantRecord, Resolved, TokenRecord } from '../records.js';
import type { ConnectorRecord, CredentialRecord } from '../../connectors/connector-records.js';
import { connectorEndpoints, connectorSettings, credentialType, grantIdentity, grantStatus, scopeVocabulary, stringList, tokenKind } from '../record-schemas.js';
import { isJsonObject } from '../../http/json-object.js';
import { jsonText, parseStored } from '../stored.js';
import { APP_OWNER, GRANT_COLUMN_NAMES } from './columns.js';

/**
 * Rows of the SQL stores (SQLite and PostgreSQL) read back into records, each checked against the
 * shape it was written in (stored.ts): a row that does not parse is a store error. The two schemas
 * share their columns (columns.ts); they differ in how a driver hands back two kinds of value, and
 * the schemas below accept either form, so one reader serves both stores:
 * - times: pg returns BIGINT as strings (they can exceed 2^53), SQLite INTEGER as numbers. Ours are
 *   milliseconds, so Number() is exact;
 * - lists of strings: PostgreSQL keeps them as text[] and returns arrays, SQLite keeps JSON text.
 */

const sqlTime = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);
// JSON text first: it is SQLite's form, read on the synchronous path of every request.
const sqlList = z.union([jsonText(stringList), stringList]);

const ownerOf = (column: string): string | null => (column === APP_OWNER ? null : column);

const grantRow = z
  .object({
    id: z.string(),
    client_id: z.string(),
    provider: z.string(),
    email: z.string(),
    name: z.string(),
    scopes: sqlList,
    status: grantStatus,
    settings: z.string().nullable(),
    created_at: sqlTime,
    updated_at: sqlTime,
    // Null on grants stored before grants recorded their vocabulary or their identity.
    scope_vocabulary: scopeVocabulary.nullable(),
    identity: jsonText(grantIdentity).nullable(),
  })
  .transform(
    (row): GrantRecord => ({
      id: row.id,
      clientId: row.client_id,
      provider: row.provider,
      email: row.email,
      name: row.name,
      scopes: row.scopes,
      status: row.status,
      settings: row.settings,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      // Absent, not undefined, when not recorded: the record reads back exactly as it was put.
      ...(row.scope_vocabulary === null ? {} : { scopeVocabulary: row.scope_vocabulary }),
      ...(row.identity === null ? {} : { identity: row.identity }),
    }),
  );

const tokenColumns = z.object({
  hash: z.string(),
  kind: tokenKind,
  client_id: z.string(),
  grant_id: z.string().nullable(),
  family: z.string().nullable(),
  created_at: sqlTime,
  expires_at: sqlTime.nullable(),
  data: z.string().nullable(),
  // Null on tokens stored before tokens recorded their scopes.
  scopes: jsonText(stringList).nullable(),
});

function tokenOf(row: z.output<typeof tokenColumns>): TokenRecord {
  return {
    hash: row.hash,
    kind: row.kind,
    clientId: row.client_id,
    grantId: row.grant_id,
    family: row.family,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    data: row.data,
    ...(row.scopes === null ? {} : { scopes: row.scopes }),
  };
}

const tokenRow = tokenColumns.transform(tokenOf);

/** A token and whether this call consumed it first, as PostgreSQL's consume and rotate answer. */
export const consumedRow = tokenColumns
  .extend({ first_use: z.boolean() })
  .transform((row): Consumed => ({ record: tokenOf(row), firstUse: row.first_use }));

/** A token read with its `consumed_at`, as SQLite's consume reads it: first use while that is null. */
export const unconsumedRow = tokenColumns
  .extend({ consumed_at: sqlTime.nullable() })
  .transform((row): Consumed => ({ record: tokenOf(row), firstUse: row.consumed_at === null }));

const connectorRow = z
  .object({
    provider: z.string(),
    id: z.string(),
    name: z.string(),
    client_id: z.string().nullable(),
    client_secret: z.string().nullable(),
    settings: jsonText(connectorSettings),
    default_scopes: sqlList,
    allowed_scopes: sqlList.nullable(),
    endpoints: jsonText(connectorEndpoints).nullable(),
    active_credential_id: z.string().nullable(),
    created_at: sqlTime,
    updated_at: sqlTime,
    owner: z.string(),
    clients: sqlList.nullable(),
  })
  .transform(
    (row): ConnectorRecord => ({
      id: row.id,
      provider: row.provider,
      name: row.name,
      clientId: row.client_id,
      clientSecret: row.client_secret,
      settings: row.settings,
      defaultScopes: row.default_scopes,
      allowedScopes: row.allowed_scopes,
      endpoints: row.endpoints,
      activeCredentialId: row.active_credential_id,
      owner: ownerOf(row.owner),
      clients: row.clients,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }),
  );

const credentialRow = z
  .object({
    id: z.string(),
    provider: z.string(),
    name: z.string(),
    type: credentialType,
    data: z.string(),
    created_at: sqlTime,
    updated_at: sqlTime,
    owner: z.string(),
  })
  .transform(
    (row): CredentialRecord => ({
      id: row.id,
      provider: row.provider,
      owner: ownerOf(row.owner),
      name: row.name,
      type: row.type,
      data: row.data,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }),
  );

export const readGrant = (row: unknown): GrantRecord => parseStored(grantRow, row, 'grant');
export const readToken = (row: unknown): TokenRecord => parseStored(tokenRow, row, 'token');
export const readConnector = (row: unknown): ConnectorRecord => parseStored(connectorRow, row, 'connector');
export const readCredential = (row: unknown): CredentialRecord => parseStored(credentialRow, row, 'credential');

const countRow = z.object({ n: z.number() });

/** The count a statement answers as `n`; no row counts nothing. */
export const readCount = (row: unknown): number => (row === undefined ? 0 : parseStored(countRow, row, 'count').n);

const JOINED_GRANT_COLUMNS = GRANT_COLUMN_NAMES.map((column) => [column, `g_${column}`] as const);

/**
 * A token LEFT JOINed to its grant, the grant's columns prefixed with `g_` (see the resolve
 * statements). Its grant is null when the token has none (an API key) or the grant is gone.
 */
export function readResolved(row: unknown): Resolved {
  if (!isJsonObject(row)) throw new Error('grantkit: a token read back from the store is not a row');
  const token = readToken(row);
  if (row['g_id'] === null) return { token, grant: null };
  const grant: Record<string, unknown> = {};
  for (const [column, joined] of JOINED_GRANT_COLUMNS) grant[column] = row[joined];
  return { token, grant: readGrant(grant) };
}
