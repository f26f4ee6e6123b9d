import { CONNECTOR_COLUMNS, CREDENTIAL_COLUMNS, GRANT_COLUMNS, TOKEN_COLUMNS } from './columns.js';

/**
 * The SQL text of every PostgresStore statement, for the tables of one schema, one group per part
 * of the store. Each method of the store is one of these statements (revokeFamily is two), so one
 * round trip; the ones that must be atomic across instances say how below.
 */
export type PostgresStatements = ReturnType<typeof postgresStatements>;

export function postgresStatements(schema: string) {
  const tables = postgresTables(schema);
  return {
    tables,
    grants: grantStatements(tables),
    tokens: tokenStatements(tables),
    revocations: revocationStatements(tables),
    connectors: connectorStatements(tables),
  };
}

/** The store's tables, schema-qualified. */
export interface PostgresTables {
  /** Grants. */
  readonly G: string;
  /** Tokens. */
  readonly T: string;
  /** Token families (revoked-family.ts). */
  readonly F: string;
  /** Tombstones of revoked tokens. */
  readonly R: string;
  /** Connectors. */
  readonly K: string;
  /** Credentials. */
  readonly C: string;
}

function postgresTables(schema: string): PostgresTables {
  const s = quoteIdent(schema);
  return {
    G: `${s}.grantkit_grants`,
    T: `${s}.grantkit_tokens`,
    F: `${s}.grantkit_token_families`,
    R: `${s}.grantkit_revoked_tokens`,
    K: `${s}.grantkit_connectors`,
    C: `${s}.grantkit_credentials`,
  };
}

/**
 * Tombstones (revoked-family.ts) of the access tokens and API keys a revocation deletes: a CTE
 * reading the DELETE's RETURNING, so they are written by the very statement that deletes, from
 * the rows it found. $4 is the wall-clock time. A data-modifying CTE runs whether or not read.
 */
function bury({ R }: PostgresTables, deleted: string): string {
  return `
    buried AS (
      INSERT INTO ${R} (hash, revoked_at) SELECT hash, $4::bigint FROM ${deleted} WHERE kind IN ('access', 'api_key')
      ON CONFLICT (hash) DO UPDATE SET revoked_at = EXCLUDED.revoked_at)`;
}

function grantStatements(t: PostgresTables) {
  const { G, T } = t;
  return {
    get: `SELECT ${GRANT_COLUMNS} FROM ${G} WHERE id = $1`,
    // Several ids may share an email if a caller broke the one-grant rule; the latest write wins, as in memory.
    byEmail: `SELECT ${GRANT_COLUMNS} FROM ${G} WHERE client_id = $1 AND email_lower = $2
      ORDER BY updated_at DESC, id COLLATE "C" DESC LIMIT 1`,
    // The NOTIFYs below sit in the statement's own result, so they are sent whenever it runs and
    // delivered on commit: a listener that re-reads on the message sees the change.
    put: `WITH up AS (
        INSERT INTO ${G} (${GRANT_COLUMNS}, email_lower) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (id) DO UPDATE SET client_id = EXCLUDED.client_id, provider = EXCLUDED.provider,
          email = EXCLUDED.email, email_lower = EXCLUDED.email_lower, name = EXCLUDED.name,
          scopes = EXCLUDED.scopes, status = EXCLUDED.status, settings = EXCLUDED.settings,
          created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
          scope_vocabulary = EXCLUDED.scope_vocabulary, identity = EXCLUDED.identity
        RETURNING id)
      SELECT pg_notify($14, $15) AS notified FROM up`,
    delete: `WITH gone AS (DELETE FROM ${G} WHERE id = $1 RETURNING id),
      tokens AS (DELETE FROM ${T} WHERE grant_id IN (SELECT id FROM gone) RETURNING hash, kind),
      ${bury(t, 'tokens')}
      SELECT count(*)::int AS n, pg_notify($2, $3) AS notified FROM gone`,
  };
}

/**
 * Revoked families (revoked-family.ts). A token write of a family first upserts the family's
 * row: ON CONFLICT DO UPDATE locks the row and sees its latest committed version, even one
 * newer than the statement's snapshot, so `gate` yields a row only while the family is not
 * revoked, and the token is inserted only then. revokeFamily marks the row and, in a second
 * statement (a fresh snapshot), deletes the tokens: a write that held the row lock first has
 * committed by then and is deleted; a write after it sees the mark and stores nothing.
 */
function familyGate({ F }: PostgresTables, family: string, seenAt: string, also: string): string {
  return `
    gate AS (
      INSERT INTO ${F} AS f (family, revoked_at, seen_at) SELECT ${family}, NULL, ${seenAt}
      WHERE ${family}::text IS NOT NULL ${also}
      ON CONFLICT (family) DO UPDATE SET seen_at = GREATEST(f.seen_at, EXCLUDED.seen_at) WHERE f.revoked_at IS NULL
      RETURNING 1)`;
}

const UPSERT_TOKEN = `ON CONFLICT (hash) DO UPDATE SET kind = EXCLUDED.kind, client_id = EXCLUDED.client_id,
      grant_id = EXCLUDED.grant_id, family = EXCLUDED.family, created_at = EXCLUDED.created_at,
      expires_at = EXCLUDED.expires_at, data = EXCLUDED.data, scopes = EXCLUDED.scopes, consumed_at = NULL`;

function tokenStatements(t: PostgresTables) {
  const { G, T, F } = t;
  const live = `hash = $1 AND (expires_at IS NULL OR expires_at > $2)`;
  // A snapshot read of the row plus an UPDATE that wins only while consumed_at is still null:
  // a concurrent winner makes the UPDATE re-check and match nothing, so first_use is false.
  const consumeCtes = `
    cur AS (SELECT ${TOKEN_COLUMNS} FROM ${T} WHERE ${live}),
    won AS (UPDATE ${T} SET consumed_at = $2 WHERE ${live} AND consumed_at IS NULL RETURNING hash)`;
  return {
    put: `
    WITH ${familyGate(t, '$5', '$6::bigint', '')}
    INSERT INTO ${T} (${TOKEN_COLUMNS}, consumed_at) SELECT $1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8, $9, NULL
    WHERE $5::text IS NULL OR EXISTS (SELECT 1 FROM gate)
    ${UPSERT_TOKEN}`,
    resolve: `SELECT t.hash, t.kind, t.client_id, t.grant_id, t.family, t.created_at, t.expires_at, t.data, t.scopes,
        g.id AS g_id, g.client_id AS g_client_id, g.provider AS g_provider, g.email AS g_email,
        g.name AS g_name, g.scopes AS g_scopes, g.status AS g_status, g.settings AS g_settings,
        g.created_at AS g_created_at, g.updated_at AS g_updated_at, g.scope_vocabulary AS g_scope_vocabulary,
        g.identity AS g_identity
      FROM ${T} t LEFT JOIN ${G} g ON g.id = t.grant_id
      WHERE t.hash = $1 AND t.kind IN ('access', 'api_key') AND (t.expires_at IS NULL OR t.expires_at > $2)
        AND (t.family IS NULL OR NOT EXISTS (SELECT 1 FROM ${F} f WHERE f.family = t.family AND f.revoked_at IS NOT NULL))`,
    consume: `WITH ${consumeCtes}
      SELECT cur.*, EXISTS (SELECT 1 FROM won) AS first_use FROM cur`,
    // The insert reads `won`, so the next token is stored only by the one call that consumed the old.
    rotate: `WITH ${consumeCtes},
      ${familyGate(t, '$7', '$8::bigint', 'AND EXISTS (SELECT 1 FROM won)')},
      put AS (
        INSERT INTO ${T} (${TOKEN_COLUMNS}, consumed_at)
        SELECT $3, $4, $5, $6, $7, $8::bigint, $9::bigint, $10, $11, NULL
        WHERE EXISTS (SELECT 1 FROM won) AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM gate))
        ${UPSERT_TOKEN}
      )
      SELECT cur.*, EXISTS (SELECT 1 FROM won) AS first_use FROM cur`,
  };
}

function revocationStatements(t: PostgresTables) {
  const { T, F, R } = t;
  return {
    token: `WITH gone AS (DELETE FROM ${T} WHERE hash = $1 RETURNING ${TOKEN_COLUMNS}),
      ${bury(t, 'gone')}
      SELECT gone.*, pg_notify($2, $3) AS notified FROM gone`,
    markFamily: `INSERT INTO ${F} AS f (family, revoked_at, seen_at) VALUES ($1, $2::bigint, $2::bigint)
      ON CONFLICT (family) DO UPDATE SET revoked_at = COALESCE(f.revoked_at, EXCLUDED.revoked_at)`,
    family: `WITH gone AS (DELETE FROM ${T} WHERE family = $1 RETURNING hash, kind),
      ${bury(t, 'gone')}
      SELECT count(*)::int AS n, pg_notify($2, $3) AS notified FROM gone`,
    grantTokens: `WITH gone AS (DELETE FROM ${T} WHERE grant_id = $1 RETURNING hash, kind),
      ${bury(t, 'gone')}
      SELECT count(*)::int AS n, pg_notify($2, $3) AS notified FROM gone`,
    // Asked only after resolve found nothing: held (live or expired), or buried.
    knows: `SELECT 1 AS one FROM ${T} WHERE hash = $1 UNION ALL SELECT 1 FROM ${R} WHERE hash = $1 LIMIT 1`,
    // Bounded, so a long-idle instance does not start one huge delete inside the statement timeout.
    sweep: `DELETE FROM ${T} WHERE hash IN (SELECT hash FROM ${T} WHERE expires_at <= $1 LIMIT 1000)`,
    // Rows of families neither written nor revoked within the retention. Dropping one that is not
    // revoked loses nothing: its next write creates it again.
    sweepFamilies: `DELETE FROM ${F} WHERE family IN (SELECT family FROM ${F} WHERE COALESCE(revoked_at, seen_at) <= $1 LIMIT 1000)`,
    sweepRevokedTokens: `DELETE FROM ${R} WHERE hash IN (SELECT hash FROM ${R} WHERE revoked_at <= $1 LIMIT 1000)`,
  };
}

/**
 * Connectors and credentials: no NOTIFY, as they are never in a cached resolution. Lists follow
 * `seq`, the order rows were first put; the upserts leave it alone. A connector is keyed by
 * (owner, provider); owner '' is the app's (see columns.ts).
 */
function connectorStatements({ K, C }: PostgresTables) {
  return {
    getConnector: `SELECT ${CONNECTOR_COLUMNS} FROM ${K} WHERE owner = $1 AND provider = $2`,
    putConnector: `INSERT INTO ${K} (${CONNECTOR_COLUMNS})
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bigint, $12::bigint, $13, $14)
      ON CONFLICT (owner, provider) DO UPDATE SET id = EXCLUDED.id, name = EXCLUDED.name, client_id = EXCLUDED.client_id,
        client_secret = EXCLUDED.client_secret, settings = EXCLUDED.settings, default_scopes = EXCLUDED.default_scopes,
        allowed_scopes = EXCLUDED.allowed_scopes, endpoints = EXCLUDED.endpoints,
        active_credential_id = EXCLUDED.active_credential_id, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
        clients = EXCLUDED.clients`,
    // One statement, so the connector and its credentials go together or not at all. Every
    // data-modifying CTE runs whether or not it is read; the credentials go even when the
    // connector is already gone, as in the memory store.
    deleteConnector: `WITH creds AS (DELETE FROM ${C} WHERE owner = $1 AND provider = $2),
      gone AS (DELETE FROM ${K} WHERE owner = $1 AND provider = $2 RETURNING 1)
      SELECT count(*)::int AS n FROM gone`,
    listConnectors: `SELECT ${CONNECTOR_COLUMNS} FROM ${K} ORDER BY seq`,
    getCredential: `SELECT ${CREDENTIAL_COLUMNS} FROM ${C} WHERE id = $1`,
    putCredential: `INSERT INTO ${C} (${CREDENTIAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8)
      ON CONFLICT (id) DO UPDATE SET provider = EXCLUDED.provider, name = EXCLUDED.name, type = EXCLUDED.type,
        data = EXCLUDED.data, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, owner = EXCLUDED.owner`,
    deleteCredential: `DELETE FROM ${C} WHERE id = $1`,
    listCredentials: `SELECT ${CREDENTIAL_COLUMNS} FROM ${C} WHERE owner = $1 AND provider = $2 ORDER BY seq`,
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
