/**
 * The PostgreSQL schema, as ordered migrations. PostgresStore.migrate() runs the ones not yet
 * recorded in `grantkit_migrations`, each in the transaction that records it, with `search_path`
 * set to the store's schema: so the SQL names tables without a schema. Never edit a shipped
 * migration; append a new one.
 *
 * Times are BIGINT milliseconds on the core's clock (never compared to now() on the server).
 * `email_lower` is folded by the application with the same rule as the other stores.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'grants and tokens',
    sql: `
CREATE TABLE grantkit_grants (
  id          TEXT PRIMARY KEY,
  client_id   TEXT NOT NULL,
  provider    TEXT NOT NULL,
  email       TEXT NOT NULL,
  email_lower TEXT NOT NULL,
  name        TEXT NOT NULL,
  scopes      TEXT[] NOT NULL,
  status      TEXT NOT NULL,
  settings    TEXT,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX grantkit_grants_email ON grantkit_grants (client_id, email_lower);
CREATE INDEX grantkit_grants_client_created ON grantkit_grants (client_id, created_at);
CREATE INDEX grantkit_grants_created ON grantkit_grants (created_at);

CREATE TABLE grantkit_tokens (
  hash        TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  client_id   TEXT NOT NULL,
  grant_id    TEXT,
  family      TEXT,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT,
  data        TEXT,
  consumed_at BIGINT
);
CREATE INDEX grantkit_tokens_grant ON grantkit_tokens (grant_id);
CREATE INDEX grantkit_tokens_family ON grantkit_tokens (family);
CREATE INDEX grantkit_tokens_kind_client ON grantkit_tokens (kind, client_id);
CREATE INDEX grantkit_tokens_expires ON grantkit_tokens (expires_at) WHERE expires_at IS NOT NULL;
`,
  },
  {
    id: 2,
    name: 'connectors and credentials',
    // \`seq\` keeps the order rows were first put, which is the order the lists answer in (as in the
    // memory store); the upserts never write it, so a replacement keeps its place. Structured fields
    // are JSON as TEXT, not JSONB: TEXT gives back exactly the string stored.
    sql: `
CREATE TABLE grantkit_connectors (
  seq                  BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  provider             TEXT PRIMARY KEY,
  id                   TEXT NOT NULL,
  name                 TEXT NOT NULL,
  client_id            TEXT,
  client_secret        TEXT,
  settings             TEXT NOT NULL,
  default_scopes       TEXT[] NOT NULL,
  allowed_scopes       TEXT[],
  endpoints            TEXT,
  active_credential_id TEXT,
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL
);

CREATE TABLE grantkit_credentials (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id         TEXT PRIMARY KEY,
  provider   TEXT NOT NULL,
  name       TEXT NOT NULL,
  type       TEXT NOT NULL,
  data       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX grantkit_credentials_provider ON grantkit_credentials (provider, seq);
`,
  },
  {
    id: 3,
    name: 'grant scope vocabulary',
    // 'v2' or 'v3'. NULL on grants stored before it: the kit works it out from how they were made.
    sql: `
ALTER TABLE grantkit_grants ADD COLUMN scope_vocabulary TEXT;
`,
  },
  {
    id: 4,
    name: 'grant identity and token scopes',
    // Both nullable: grants stored before have no recorded proof (unverified until their next
    // sign-in), tokens stored before act with their grant's scopes. JSON as TEXT, as elsewhere.
    sql: `
ALTER TABLE grantkit_grants ADD COLUMN identity TEXT;
ALTER TABLE grantkit_tokens ADD COLUMN scopes TEXT;
`,
  },
  {
    id: 5,
    name: 'connector owners',
    // A connector belongs to the client whose API key created it, or to the app (owner ''), and is
    // keyed by (owner, provider). No earlier row records its creator, so every existing connector
    // and credential becomes the app's and keeps serving every client (clients NULL); an operator
    // narrows one with `grantkit connectors assign` or an UPDATE of `owner` / `clients`.
    sql: `
ALTER TABLE grantkit_connectors ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE grantkit_connectors ADD COLUMN clients TEXT[];
ALTER TABLE grantkit_connectors DROP CONSTRAINT grantkit_connectors_pkey;
ALTER TABLE grantkit_connectors ADD PRIMARY KEY (owner, provider);
ALTER TABLE grantkit_credentials ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX grantkit_credentials_owner_provider ON grantkit_credentials (owner, provider, seq);
`,
  },
  {
    id: 6,
    name: 'token families',
    // One row per family that has written a token or been revoked. Token writes and revocations of
    // a family take this row's lock, which is what makes "no token of a revoked family is ever
    // stored" hold between concurrent statements (see PostgresStore). \`revoked_at\` is the marker;
    // \`seen_at\` (the latest write) lets the sweep collect rows of families long gone.
    sql: `
CREATE TABLE IF NOT EXISTS grantkit_token_families (
  family     TEXT PRIMARY KEY,
  revoked_at BIGINT,
  seen_at    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS grantkit_token_families_age ON grantkit_token_families ((COALESCE(revoked_at, seen_at)));
`,
  },
  {
    id: 7,
    name: 'rate limits',
    // rate-limiter-flexible's own layout (its RateLimiterPostgres reads and writes it): one row per
    // counter, \`expire\` in wall-clock milliseconds. Keys are digests, well under 255 characters.
    sql: `
CREATE TABLE grantkit_rate_limits (
  key    VARCHAR(255) PRIMARY KEY,
  points INTEGER NOT NULL DEFAULT 0,
  expire BIGINT
);
CREATE INDEX grantkit_rate_limits_expire ON grantkit_rate_limits (expire);
`,
  },
  {
    id: 8,
    name: 'revoked tokens',
    // Tombstones of revoked access tokens and API keys (revoked-family.ts): the hash only, so the
    // rate limits do not count a revoked token as a guess. \`revoked_at\` is wall-clock milliseconds,
    // as for the rate-limit counters; the sweep drops rows older than the retention.
    sql: `
CREATE TABLE IF NOT EXISTS grantkit_revoked_tokens (
  hash       TEXT PRIMARY KEY,
  revoked_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS grantkit_revoked_tokens_age ON grantkit_revoked_tokens (revoked_at);
`,
  },
  {
    id: 9,
    name: 'webhook deliveries',
    // The webhook delivery queue (deliveries.ts): one row per event and endpoint. \`due_at\` is when
    // the next attempt is due, or while \`lease\` is set, when that claim's lease runs out. Claims
    // take due rows with FOR UPDATE SKIP LOCKED (postgres-deliveries.ts).
    sql: `
CREATE TABLE IF NOT EXISTS grantkit_deliveries (
  id         TEXT PRIMARY KEY,
  endpoint   TEXT NOT NULL,
  payload    TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  due_at     BIGINT NOT NULL,
  lease      TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS grantkit_deliveries_due ON grantkit_deliveries (endpoint, due_at);
`,
  },
];
