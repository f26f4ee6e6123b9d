import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import { MIGRATIONS } from './migrations.js';
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import { Broadcast, invalidationPayload, type ChannelTransport } from '../broadcast.js';
import type {
  Consumed,
  GrantFilter,
  GrantRecord,
  Invalidation,
  InvalidationListener,
  Resolved,
  TokenFilter,
  TokenRecord,
} from '../records.js';
import { grantListClauses, tokenListWhere, type Bind } from './filter.js';
import {
  APP_OWNER,
  CONNECTOR_COLUMN_NAMES,
  CONNECTOR_COLUMNS,
  connectorParams,
  CREDENTIAL_COLUMN_NAMES,
  CREDENTIAL_COLUMNS,
  credentialParams,
  GRANT_COLUMN_NAMES,
  GRANT_COLUMNS,
  grantParams,
  TOKEN_COLUMN_NAMES,
  TOKEN_COLUMNS,
  tokenParams,
  toConnector,
  toCredential,
  toGrant,
  toJoinedGrant,
  toToken,
  type ConnectorRow,
  type CredentialRow,
  type GrantRow,
  type JoinedGrantRow,
  type ListEncoder,
  type Params,
  type TokenRow,
} from './rows.js';
import type { Store } from '../store.js';
import { limiterClass, RATE_LIMIT_TABLE, type RateLimiterBackend, type RateLimiterSpec } from '../../limits/backends.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/records.js';

export interface PostgresStoreOptions {
  /** A pool of your own; the store then leaves its settings, its error handling and its end() to you. */
  readonly pool?: Pool;
  /** Used when no pool is given. */
  readonly connectionString?: string;
  /** Where the tables live; migrate() creates it. Default 'public'. */
  readonly schema?: string;
  /**
   * Bound on every query, on the client (the connection is dropped) and, for a pool the store
   * creates, on the server and on connecting too. Default 2000 ms.
   */
  readonly statementTimeoutMs?: number;
  /**
   * How often the LISTEN connection behind `subscribe` is pinged, so a connection that died
   * silently is noticed (and caches stop serving) within this plus the timeout. Default 1000 ms.
   */
  readonly heartbeatMs?: number;
}

type ResolvedRow = TokenRow & JoinedGrantRow;
type ConsumedRow = TokenRow & { first_use: boolean };

// Lists are text[] columns, which pg fills from an array (a copy, so the record's own is not held).
const ARRAY_LIST: ListEncoder = (list) => [...list];
const GRANT_PUT_COLUMN_NAMES = [...GRANT_COLUMN_NAMES, 'email_lower'] as const;
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_HEARTBEAT_MS = 1000;
const SWEEP_EVERY = 1000;

/**
 * Grants and tokens in PostgreSQL, shared by every instance of an app. Each method is one
 * statement, so one round trip; consume and rotate are single statements whose UPDATE re-checks
 * `consumed_at IS NULL` under the row lock, which makes them atomic across instances.
 * Run `await store.migrate()` (or `npx grantkit migrate`) once before use.
 *
 * Every change that can make a cached resolution wrong (a grant written or deleted, a token, a
 * family or a grant's tokens revoked) also sends a NOTIFY from inside the same statement, so it is
 * delivered exactly when the change commits, at no extra round trip. `subscribe` LISTENs on a
 * dedicated connection; the channel is derived from the schema, so apps in different schemas of
 * one database do not hear each other.
 */
export class PostgresStore implements Store, ConnectorStore {
  readonly #pool: Pool;
  readonly #owned: boolean;
  readonly #schema: string;
  readonly #timeoutMs: number;
  readonly #sql;
  readonly #channel: string;
  readonly #broadcast: Broadcast;
  #writesSinceSweep = 0;

  constructor(options: PostgresStoreOptions = {}) {
    this.#schema = options.schema ?? 'public';
    this.#timeoutMs = options.statementTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (options.pool) {
      this.#pool = options.pool;
      this.#owned = false;
    } else {
      this.#pool = new pg.Pool({
        connectionString: options.connectionString,
        connectionTimeoutMillis: this.#timeoutMs,
        statement_timeout: this.#timeoutMs,
        keepAlive: true,
      });
      this.#owned = true;
      // An idle connection that dies (server restart, network) is reported here; the pool has
      // already dropped it and the next query opens a new one. Without a listener Node would crash.
      this.#pool.on('error', () => {});
    }
    // An identifier of at most 63 bytes whatever the schema's name, so NOTIFY and LISTEN agree.
    this.#channel = `grantkit_invalidate_${createHash('sha256').update(this.#schema).digest('hex').slice(0, 16)}`;
    this.#broadcast = new Broadcast(listenTransport(this.#pool, this.#channel, this.#timeoutMs), {
      timeoutMs: this.#timeoutMs,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    });
    const s = quoteIdent(this.#schema);
    const G = `${s}.grantkit_grants`;
    const T = `${s}.grantkit_tokens`;
    const live = `hash = $1 AND (expires_at IS NULL OR expires_at > $2)`;
    // A snapshot read of the row plus an UPDATE that wins only while consumed_at is still null:
    // a concurrent winner makes the UPDATE re-check and match nothing, so first_use is false.
    const consumeCtes = `
      cur AS (SELECT ${TOKEN_COLUMNS} FROM ${T} WHERE ${live}),
      won AS (UPDATE ${T} SET consumed_at = $2 WHERE ${live} AND consumed_at IS NULL RETURNING hash)`;
    const K = `${s}.grantkit_connectors`;
    const C = `${s}.grantkit_credentials`;
    const F = `${s}.grantkit_token_families`;
    const R = `${s}.grantkit_revoked_tokens`;
    // Tombstones (revoked-family.ts) of the access tokens and API keys a revocation deletes: a CTE
    // reading the DELETE's RETURNING, so they are written by the very statement that deletes, from
    // the rows it found. $4 is the wall-clock time. A data-modifying CTE runs whether or not read.
    const bury = (deleted: string) => `
      buried AS (
        INSERT INTO ${R} (hash, revoked_at) SELECT hash, $4::bigint FROM ${deleted} WHERE kind IN ('access', 'api_key')
        ON CONFLICT (hash) DO UPDATE SET revoked_at = EXCLUDED.revoked_at)`;
    // Revoked families (revoked-family.ts). A token write of a family first upserts the family's
    // row: ON CONFLICT DO UPDATE locks the row and sees its latest committed version, even one
    // newer than the statement's snapshot, so `gate` yields a row only while the family is not
    // revoked, and the token is inserted only then. revokeFamily marks the row and, in a second
    // statement (a fresh snapshot), deletes the tokens: a write that held the row lock first has
    // committed by then and is deleted; a write after it sees the mark and stores nothing.
    const familyGate = (family: string, seenAt: string, also: string) => `
      gate AS (
        INSERT INTO ${F} AS f (family, revoked_at, seen_at) SELECT ${family}, NULL, ${seenAt}
        WHERE ${family}::text IS NOT NULL ${also}
        ON CONFLICT (family) DO UPDATE SET seen_at = GREATEST(f.seen_at, EXCLUDED.seen_at) WHERE f.revoked_at IS NULL
        RETURNING 1)`;
    const tokenValues = '$1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8, $9';
    const upsertToken = `
      WITH ${familyGate('$5', '$6::bigint', '')}
      INSERT INTO ${T} (${TOKEN_COLUMNS}, consumed_at) SELECT ${tokenValues}, NULL
      WHERE $5::text IS NULL OR EXISTS (SELECT 1 FROM gate)
      ON CONFLICT (hash) DO UPDATE SET kind = EXCLUDED.kind, client_id = EXCLUDED.client_id,
        grant_id = EXCLUDED.grant_id, family = EXCLUDED.family, created_at = EXCLUDED.created_at,
        expires_at = EXCLUDED.expires_at, data = EXCLUDED.data, scopes = EXCLUDED.scopes, consumed_at = NULL`;
    this.#sql = {
      G,
      T,
      F,
      R,
      K,
      C,
      getGrant: `SELECT ${GRANT_COLUMNS} FROM ${G} WHERE id = $1`,
      // Several ids may share an email if a caller broke the one-grant rule; the latest write wins, as in memory.
      grantByEmail: `SELECT ${GRANT_COLUMNS} FROM ${G} WHERE client_id = $1 AND email_lower = $2
        ORDER BY updated_at DESC, id COLLATE "C" DESC LIMIT 1`,
      // The NOTIFYs below sit in the statement's own result, so they are sent whenever it runs and
      // delivered on commit: a listener that re-reads on the message sees the change.
      putGrant: `WITH up AS (
          INSERT INTO ${G} (${GRANT_COLUMNS}, email_lower) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
          ON CONFLICT (id) DO UPDATE SET client_id = EXCLUDED.client_id, provider = EXCLUDED.provider,
            email = EXCLUDED.email, email_lower = EXCLUDED.email_lower, name = EXCLUDED.name,
            scopes = EXCLUDED.scopes, status = EXCLUDED.status, settings = EXCLUDED.settings,
            created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
            scope_vocabulary = EXCLUDED.scope_vocabulary, identity = EXCLUDED.identity
          RETURNING id)
        SELECT pg_notify($14, $15) AS notified FROM up`,
      deleteGrant: `WITH gone AS (DELETE FROM ${G} WHERE id = $1 RETURNING id),
        tokens AS (DELETE FROM ${T} WHERE grant_id IN (SELECT id FROM gone) RETURNING hash, kind),
        ${bury('tokens')}
        SELECT count(*)::int AS n, pg_notify($2, $3) AS notified FROM gone`,
      putToken: upsertToken,
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
        ${familyGate('$7', '$8::bigint', 'AND EXISTS (SELECT 1 FROM won)')},
        put AS (
          INSERT INTO ${T} (${TOKEN_COLUMNS}, consumed_at)
          SELECT $3, $4, $5, $6, $7, $8::bigint, $9::bigint, $10, $11, NULL
          WHERE EXISTS (SELECT 1 FROM won) AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM gate))
          ON CONFLICT (hash) DO UPDATE SET kind = EXCLUDED.kind, client_id = EXCLUDED.client_id,
            grant_id = EXCLUDED.grant_id, family = EXCLUDED.family, created_at = EXCLUDED.created_at,
            expires_at = EXCLUDED.expires_at, data = EXCLUDED.data, scopes = EXCLUDED.scopes, consumed_at = NULL
        )
        SELECT cur.*, EXISTS (SELECT 1 FROM won) AS first_use FROM cur`,
      revokeToken: `WITH gone AS (DELETE FROM ${T} WHERE hash = $1 RETURNING ${TOKEN_COLUMNS}),
        ${bury('gone')}
        SELECT gone.*, pg_notify($2, $3) AS notified FROM gone`,
      markFamily: `INSERT INTO ${F} AS f (family, revoked_at, seen_at) VALUES ($1, $2::bigint, $2::bigint)
        ON CONFLICT (family) DO UPDATE SET revoked_at = COALESCE(f.revoked_at, EXCLUDED.revoked_at)`,
      revokeFamily: `WITH gone AS (DELETE FROM ${T} WHERE family = $1 RETURNING hash, kind),
        ${bury('gone')}
        SELECT count(*)::int AS n, pg_notify($2, $3) AS notified FROM gone`,
      revokeGrantTokens: `WITH gone AS (DELETE FROM ${T} WHERE grant_id = $1 RETURNING hash, kind),
        ${bury('gone')}
        SELECT count(*)::int AS n, pg_notify($2, $3) AS notified FROM gone`,
      // Asked only after resolve found nothing: held (live or expired), or buried.
      knows: `SELECT 1 AS one FROM ${T} WHERE hash = $1 UNION ALL SELECT 1 FROM ${R} WHERE hash = $1 LIMIT 1`,
      // Bounded, so a long-idle instance does not start one huge delete inside the statement timeout.
      sweep: `DELETE FROM ${T} WHERE hash IN (SELECT hash FROM ${T} WHERE expires_at <= $1 LIMIT 1000)`,
      // Rows of families neither written nor revoked within the retention. Dropping one that is not
      // revoked loses nothing: its next write creates it again.
      sweepFamilies: `DELETE FROM ${F} WHERE family IN (SELECT family FROM ${F} WHERE COALESCE(revoked_at, seen_at) <= $1 LIMIT 1000)`,
      sweepRevokedTokens: `DELETE FROM ${R} WHERE hash IN (SELECT hash FROM ${R} WHERE revoked_at <= $1 LIMIT 1000)`,
      // Connectors and credentials: no NOTIFY, as they are never in a cached resolution.
      // Lists follow `seq`, the order rows were first put; the upserts leave it alone.
      // A connector is keyed by (owner, provider); owner '' is the app's (see rows.ts).
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

  /**
   * Creates the schema and applies the migrations it has not seen, each recorded in
   * `grantkit_migrations`. Idempotent, and safe when several instances start at once (an advisory
   * lock serialises them). Returns the names of the migrations it applied.
   */
  async migrate(): Promise<string[]> {
    const schema = quoteIdent(this.#schema);
    const client = await this.#pool.connect();
    const applied: string[] = [];
    try {
      await client.query('BEGIN');
      // DDL may wait on locks far longer than a request would.
      await client.query('SET LOCAL statement_timeout = 0');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`grantkit.migrate:${this.#schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET LOCAL search_path TO ${schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS grantkit_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const done = new Set((await client.query<{ id: number }>('SELECT id FROM grantkit_migrations')).rows.map((r) => r.id));
      for (const m of MIGRATIONS) {
        if (done.has(m.id)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO grantkit_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, Date.now()]);
        applied.push(m.name);
      }
      await client.query('COMMIT');
      return applied;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Rate-limit counters in this store's schema, shared by every instance: the table
   * `grantkit_rate_limits`, which migrate() creates (so `grantkit migrate` must have run).
   */
  rateLimiter(spec: RateLimiterSpec): RateLimiterBackend {
    const RateLimiterPostgres = limiterClass('RateLimiterPostgres');
    return new RateLimiterPostgres({
      ...spec,
      storeClient: this.#pool,
      storeType: 'pool',
      schemaName: this.#schema,
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
    });
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    const row = (await this.#query<GrantRow>(this.#sql.getGrant, [id]))[0];
    return row && toGrant(row);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const row = (await this.#query<GrantRow>(this.#sql.grantByEmail, [clientId, email.toLowerCase()]))[0];
    return row && toGrant(row);
  }

  async putGrant(g: GrantRecord): Promise<void> {
    await this.#query(this.#sql.putGrant, [
      ...positional(grantParams(g, ARRAY_LIST), GRANT_PUT_COLUMN_NAMES),
      ...this.#notify({ grantId: g.id }),
    ]);
  }

  async deleteGrant(id: string): Promise<boolean> {
    const rows = await this.#query<{ n: number }>(this.#sql.deleteGrant, [id, ...this.#notify({ grantId: id }), Date.now()]);
    return (rows[0]?.n ?? 0) > 0;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    const values: unknown[] = [];
    const bind = positionalBind(values);
    const { where, column, dir } = grantListClauses(filter, bind);
    // LIMIT NULL is "no limit".
    const page = `LIMIT ${bind('limit', filter.limit ?? null)} OFFSET ${bind('offset', filter.offset ?? 0)}`;
    // COLLATE "C": ties break on code points, as in the other stores, whatever the database locale.
    const text = `SELECT ${GRANT_COLUMNS} FROM ${this.#sql.G}${where} ORDER BY ${column} ${dir}, id COLLATE "C" ASC ${page}`;
    return (await this.#query<GrantRow>(text, values)).map(toGrant);
  }

  async putToken(token: TokenRecord): Promise<void> {
    await this.#query(this.#sql.putToken, tokenValues(token));
    if (++this.#writesSinceSweep >= SWEEP_EVERY) {
      this.#writesSinceSweep = 0;
      // Garbage collection only: expiry is enforced on read, so a failed sweep changes nothing.
      await this.#query(this.#sql.sweep, [token.createdAt]).catch(() => {});
      await this.#query(this.#sql.sweepFamilies, [token.createdAt - REVOKED_FAMILY_RETENTION_MS]).catch(() => {});
      await this.#query(this.#sql.sweepRevokedTokens, [Date.now() - REVOKED_TOKEN_RETENTION_MS]).catch(() => {});
    }
  }

  async resolve(hash: string, now: number): Promise<Resolved | undefined> {
    const row = (await this.#query<ResolvedRow>(this.#sql.resolve, [hash, now]))[0];
    if (!row) return undefined;
    return { token: toToken(row), grant: toJoinedGrant(row) };
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    const row = (await this.#query<ConsumedRow>(this.#sql.consume, [hash, now]))[0];
    return row && { record: toToken(row), firstUse: row.first_use };
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    const row = (await this.#query<ConsumedRow>(this.#sql.rotate, [oldHash, now, ...tokenValues(next)]))[0];
    return row && { record: toToken(row), firstUse: row.first_use };
  }

  async knows(hash: string): Promise<boolean> {
    return (await this.#query<{ one: number }>(this.#sql.knows, [hash])).length > 0;
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const row = (await this.#query<TokenRow>(this.#sql.revokeToken, [hash, ...this.#notify({ tokenHash: hash }), Date.now()]))[0];
    return row && toToken(row);
  }

  /** Two statements, the mark first: see `familyGate` for why one would not do. */
  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    await this.#query(this.#sql.markFamily, [family, now]);
    const rows = await this.#query<{ n: number }>(this.#sql.revokeFamily, [family, ...this.#notify({ family }), Date.now()]);
    return rows[0]?.n ?? 0;
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    const rows = await this.#query<{ n: number }>(this.#sql.revokeGrantTokens, [grantId, ...this.#notify({ grantId }), Date.now()]);
    return rows[0]?.n ?? 0;
  }

  /**
   * Hears every invalidation sent through this database schema, by any instance, within about a
   * round trip of its commit. Resolves once LISTEN is in place; reports `onStatus(false)` when the
   * connection is lost (notifications sent meanwhile are gone) and `onStatus(true)` once it listens
   * again, reconnecting by itself. Rejects when it cannot listen within twice the timeout.
   */
  subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    return this.#broadcast.subscribe(listener);
  }

  /** The two trailing parameters of every statement that notifies: channel and payload. */
  #notify(event: Invalidation): [string, string] {
    return [this.#channel, invalidationPayload(event)];
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const values: unknown[] = [];
    const where = tokenListWhere(filter, positionalBind(values));
    const text = `SELECT ${TOKEN_COLUMNS} FROM ${this.#sql.T} WHERE ${where} ORDER BY created_at, hash COLLATE "C"`;
    return (await this.#query<TokenRow>(text, values)).map(toToken);
  }

  // Connectors and credentials (ConnectorStore)

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    const row = (await this.#query<ConnectorRow>(this.#sql.getConnector, [owner ?? APP_OWNER, provider]))[0];
    return row && toConnector(row);
  }

  async putConnector(c: ConnectorRecord): Promise<void> {
    await this.#query(this.#sql.putConnector, positional(connectorParams(c, ARRAY_LIST), CONNECTOR_COLUMN_NAMES));
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    const rows = await this.#query<{ n: number }>(this.#sql.deleteConnector, [owner ?? APP_OWNER, provider]);
    return (rows[0]?.n ?? 0) > 0;
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return (await this.#query<ConnectorRow>(this.#sql.listConnectors, [])).map(toConnector);
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = (await this.#query<CredentialRow>(this.#sql.getCredential, [id]))[0];
    return row && toCredential(row);
  }

  async putCredential(c: CredentialRecord): Promise<void> {
    await this.#query(this.#sql.putCredential, positional(credentialParams(c), CREDENTIAL_COLUMN_NAMES));
  }

  async deleteCredential(id: string): Promise<boolean> {
    return ((await this.#run(this.#sql.deleteCredential, [id])).rowCount ?? 0) > 0;
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return (await this.#query<CredentialRow>(this.#sql.listCredentials, [owner ?? APP_OWNER, provider])).map(toCredential);
  }

  /** Every row of the store's tables, as plain data: tests search it for plaintext secrets. */
  async dump(): Promise<unknown> {
    const [grants, tokens, connectors, credentials, families, revokedTokens] = await Promise.all([
      this.#query(`SELECT * FROM ${this.#sql.G} ORDER BY id`, []),
      this.#query(`SELECT * FROM ${this.#sql.T} ORDER BY hash`, []),
      this.#query(`SELECT * FROM ${this.#sql.K} ORDER BY seq`, []),
      this.#query(`SELECT * FROM ${this.#sql.C} ORDER BY seq`, []),
      this.#query(`SELECT * FROM ${this.#sql.F} ORDER BY family`, []),
      this.#query(`SELECT * FROM ${this.#sql.R} ORDER BY hash`, []),
    ]);
    return { grants, tokens, connectors, credentials, families, revokedTokens };
  }

  /** Ends the pool if this store created it; a pool passed in stays open for its owner. */
  async close(): Promise<void> {
    this.#broadcast.stop();
    if (this.#owned && !this.#pool.ended) await this.#pool.end();
  }

  async #query<R extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    return (await this.#run<R>(text, values)).rows;
  }

  #run<R extends QueryResultRow>(text: string, values: readonly unknown[]) {
    // Named after the text, so each statement is parsed and planned once per connection, and two
    // stores on one pool (two schemas) never collide on a name.
    // query_timeout is pg's client-side bound: on expiry the connection is dropped, never reused.
    const config: QueryConfig & { query_timeout: number } = {
      name: `grantkit_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`,
      text,
      values: [...values],
      query_timeout: this.#timeoutMs,
    };
    return this.#pool.query<R>(config);
  }
}

/**
 * LISTEN on a connection of its own, outside the pool: a pooled connection is shared and may be
 * recycled, and a listener must stay put. It is made with the pool's own settings.
 */
function listenTransport(pool: Pool, channel: string, timeoutMs: number): ChannelTransport {
  return {
    async open(onMessage, onLost) {
      const client = new pg.Client({ ...pool.options, connectionTimeoutMillis: timeoutMs, keepAlive: true });
      let closed = false;
      const lose = (): void => {
        if (closed) return;
        closed = true;
        onLost();
      };
      client.on('error', lose);
      client.on('end', lose);
      client.on('notification', (m) => {
        if (m.channel === channel && m.payload !== undefined) onMessage(m.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (e) {
        closed = true;
        client.end().catch(() => {});
        throw e;
      }
      return {
        ping: () => client.query('SELECT 1'),
        close: () => {
          closed = true;
          // With a query in flight (a heartbeat on a hung connection) pg destroys the socket at once.
          client.end().catch(() => {});
        },
      };
    },
  };
}

function tokenValues(t: TokenRecord): unknown[] {
  return positional(tokenParams(t), TOKEN_COLUMN_NAMES);
}

/** The named values in the order of `columns`, for the `$1, $2, …` of a statement that lists them so. */
function positional<C extends string>(params: Params<C>, columns: readonly C[]): unknown[] {
  return columns.map((c) => params[c]);
}

/** Positional parameters (`$n`), appended to `values` in the order they are bound. */
function positionalBind(values: unknown[]): Bind {
  return (_name, value) => `$${values.push(value)}`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
