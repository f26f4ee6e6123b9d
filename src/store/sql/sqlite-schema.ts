import type { Database } from 'better-sqlite3';
import * as z from 'zod';
import { RATE_LIMIT_TABLE } from '../../limits/backends.js';
import { parseStored } from '../stored.js';
import { SQLITE_DELIVERIES_SCHEMA } from './sqlite-deliveries.js';

/**
 * The SQLite schema and its upgrades in place (the PostgreSQL schema is migrations.ts). A file is
 * brought up to date every time a SqliteStore opens it, so there is no separate migrate step.
 */
export function applySqliteSchema(db: Database): void {
  db.exec(SCHEMA);
  db.exec(SQLITE_DELIVERIES_SCHEMA);
  addColumns(db);
  upgradeConnectorOwners(db);
}

/**
 * A connector's columns between its key and its times: the same in the first schema and in the
 * table upgradeConnectorOwners rebuilds, which copies every row across.
 */
const CONNECTOR_FIELDS = `  id                   TEXT NOT NULL,
  name                 TEXT NOT NULL,
  client_id            TEXT,
  client_secret        TEXT,
  settings             TEXT NOT NULL,
  default_scopes       TEXT NOT NULL,
  allowed_scopes       TEXT,
  endpoints            TEXT,
  active_credential_id TEXT,`;

// `email_lower` is computed in JS: SQLite's lower() folds ASCII only, and the memory store folds with
// toLowerCase, so both must agree on which emails are "the same".
const SCHEMA = `
CREATE TABLE IF NOT EXISTS grantkit_grants (
  id          TEXT PRIMARY KEY,
  client_id   TEXT NOT NULL,
  provider    TEXT NOT NULL,
  email       TEXT NOT NULL,
  email_lower TEXT NOT NULL,
  name        TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  status      TEXT NOT NULL,
  settings    TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS grantkit_grants_email ON grantkit_grants (client_id, email_lower);
CREATE INDEX IF NOT EXISTS grantkit_grants_created ON grantkit_grants (created_at);
CREATE TABLE IF NOT EXISTS grantkit_tokens (
  hash        TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  client_id   TEXT NOT NULL,
  grant_id    TEXT,
  family      TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  data        TEXT,
  consumed_at INTEGER
);
CREATE INDEX IF NOT EXISTS grantkit_tokens_grant ON grantkit_tokens (grant_id);
CREATE INDEX IF NOT EXISTS grantkit_tokens_family ON grantkit_tokens (family);
CREATE INDEX IF NOT EXISTS grantkit_tokens_kind ON grantkit_tokens (kind, client_id);
CREATE INDEX IF NOT EXISTS grantkit_tokens_expires ON grantkit_tokens (expires_at);
CREATE TABLE IF NOT EXISTS grantkit_connectors (
  seq                  INTEGER PRIMARY KEY,
  provider             TEXT NOT NULL UNIQUE,
${CONNECTOR_FIELDS}
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS grantkit_credentials (
  seq        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  provider   TEXT NOT NULL,
  name       TEXT NOT NULL,
  type       TEXT NOT NULL,
  data       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS grantkit_credentials_provider ON grantkit_credentials (provider, seq);
CREATE TABLE IF NOT EXISTS grantkit_revoked_families (
  family     TEXT PRIMARY KEY,
  revoked_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS grantkit_revoked_tokens (
  hash       TEXT PRIMARY KEY,
  revoked_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS grantkit_revoked_tokens_age ON grantkit_revoked_tokens (revoked_at);
CREATE TABLE IF NOT EXISTS ${RATE_LIMIT_TABLE} (
  key    TEXT PRIMARY KEY,
  points INTEGER NOT NULL DEFAULT 0,
  expire INTEGER
);
`;
// The rate-limit table has rate-limiter-flexible's layout; its expiry is wall-clock milliseconds.
// Revoked tokens are tombstones (revoked-family.ts): hashes only, dated on the wall clock too.
// Connectors and credentials list in the order they were first put, as in the memory store (a
// replacement keeps its place). `seq` holds that order: an INTEGER PRIMARY KEY is the rowid itself,
// which VACUUM keeps (an implicit rowid it may renumber), and the upserts in sqlite.ts never rewrite it
// (INSERT OR REPLACE would delete the row and give it a new one).

/**
 * Columns added after the first release, nullable: a file made by an older version gets them on
 * open (ALTER TABLE ... ADD COLUMN), and older versions keep reading the file, ignoring them.
 */
const ADDED_COLUMNS: readonly (readonly [table: string, column: string, type: string])[] = [
  ['grantkit_grants', 'scope_vocabulary', 'TEXT'],
  ['grantkit_grants', 'identity', 'TEXT'],
  ['grantkit_tokens', 'scopes', 'TEXT'],
];

function addColumns(db: Database): void {
  for (const [table, column, type] of ADDED_COLUMNS) {
    if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/** A row of `PRAGMA table_info`: only the column's name is read. */
const tableInfoRow = z.object({ name: z.string() });

function hasColumn(db: Database, table: string, column: string): boolean {
  return db
    .prepare(`PRAGMA table_info(${table})`)
    .all()
    .some((row) => parseStored(tableInfoRow, row, 'table description').name === column);
}

/**
 * Connector ownership, added after the first schema: connectors become keyed by (owner, provider)
 * instead of provider alone. SQLite cannot drop the old UNIQUE (provider), so the table is rebuilt,
 * keeping `seq` (the list order). No earlier row records its creator, so every existing connector
 * and credential becomes the app's (owner '') and keeps serving every client (clients NULL). Runs
 * once per file, in an IMMEDIATE transaction that re-checks, so processes starting together agree.
 */
function upgradeConnectorOwners(db: Database): void {
  const hasOwner = (): boolean => hasColumn(db, 'grantkit_connectors', 'owner');
  if (hasOwner()) return;
  db.transaction(() => {
    if (hasOwner()) return;
    db.exec(`
CREATE TABLE grantkit_connectors_owned (
  seq                  INTEGER PRIMARY KEY,
  owner                TEXT NOT NULL DEFAULT '',
  provider             TEXT NOT NULL,
${CONNECTOR_FIELDS}
  clients              TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  UNIQUE (owner, provider)
);
INSERT INTO grantkit_connectors_owned (seq, provider, id, name, client_id, client_secret, settings, default_scopes,
  allowed_scopes, endpoints, active_credential_id, created_at, updated_at)
SELECT seq, provider, id, name, client_id, client_secret, settings, default_scopes,
  allowed_scopes, endpoints, active_credential_id, created_at, updated_at FROM grantkit_connectors;
DROP TABLE grantkit_connectors;
ALTER TABLE grantkit_connectors_owned RENAME TO grantkit_connectors;
ALTER TABLE grantkit_credentials ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS grantkit_credentials_owner_provider ON grantkit_credentials (owner, provider, seq);
`);
  }).immediate();
}
