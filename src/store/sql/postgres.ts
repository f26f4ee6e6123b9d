import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import { MIGRATIONS } from './migrations.js';
import { listenTransport } from './postgres-listener.js';
import { postgresStatements, quoteIdent, type PostgresStatements } from './postgres-statements.js';
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import { Broadcast, invalidationPayload } from '../broadcast.js';
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
  connectorParams,
  CREDENTIAL_COLUMN_NAMES,
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

/**
 * A pg Pool (`new pg.Pool()`, or pg.native's), described by the members the store calls, so that
 * the store's public types need no @types/pg.
 */
export interface PostgresPool {
  readonly options: object;
  readonly ended: boolean;
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

/** The store works with pg's own type; a pool with its methods is taken to be one of its pools. */
function isPgPool(pool: PostgresPool): pool is Pool {
  return typeof pool.connect === 'function' && typeof pool.query === 'function' && typeof pool.end === 'function';
}

export interface PostgresStoreOptions {
  /** A pool of your own; the store then leaves its settings, its error handling and its end() to you. */
  readonly pool?: PostgresPool;
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
  readonly #sql: PostgresStatements;
  readonly #channel: string;
  readonly #broadcast: Broadcast;
  #writesSinceSweep = 0;

  constructor(options: PostgresStoreOptions = {}) {
    this.#schema = options.schema ?? 'public';
    this.#timeoutMs = options.statementTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (options.pool) {
      if (!isPgPool(options.pool)) throw new TypeError('PostgresStore: pool must be a pg Pool');
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
    this.#sql = postgresStatements(this.#schema);
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

  /** Two statements, the mark first: see `familyGate` in postgres-statements.ts for why one would not do. */
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
