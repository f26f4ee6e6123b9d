/**
 * The columns of the SQL stores' tables (SQLite and PostgreSQL share their snake_case names), in
 * the order the statements list them. rows.ts reads rows of these columns into records, params.ts
 * writes records as values for them.
 */

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

export const GRANT_COLUMNS = GRANT_COLUMN_NAMES.join(', ');
/** What a store reads back of a token; `consumed_at` is written and read apart, as the stores differ there. */
export const TOKEN_COLUMNS = TOKEN_COLUMN_NAMES.join(', ');
export const CONNECTOR_COLUMNS = CONNECTOR_COLUMN_NAMES.join(', ');
export const CREDENTIAL_COLUMNS = CREDENTIAL_COLUMN_NAMES.join(', ');

/**
 * The `owner` column of connectors and credentials: a client id, or '' for the app's connectors
 * (configured in code, and every row older than ownership). Not NULL, so that (owner, provider)
 * is a plain unique key in both SQL dialects; client ids are never empty.
 */
export const APP_OWNER = '';
