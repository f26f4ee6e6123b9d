import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool } from 'pg';
import { listenTransport } from './postgres-listener.js';
import { PostgresConnectors } from './postgres-connectors.js';
import { PostgresDeliveries } from './postgres-deliveries.js';
import { PostgresGrants } from './postgres-grants.js';
import { migratePostgres } from './postgres-migrate.js';
import { PostgresQuery, type Notify } from './postgres-query.js';
import { postgresStatements, quoteIdent, type PostgresTables } from './postgres-statements.js';
import { PostgresTokens } from './postgres-tokens.js';
import { Broadcast, invalidationPayload, type HeartbeatOption } from '../broadcast.js';
import type { InvalidationListener, Resolved } from '../records.js';
import { StoreOfParts } from '../store-of-parts.js';
import { limiterClass, RATE_LIMIT_TABLE, type RateLimiterBackend, type RateLimiterSpec } from '../../limits/backends.js';

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

export interface PostgresStoreOptions extends HeartbeatOption {
  /** A pool of your own; the store then leaves its settings, its error handling and its end() to you. */
  readonly pool?: PostgresPool;
  /** Used when no pool is given. */
  readonly connectionString?: string;
  /** Where the tables live; migrate() creates it. Default 'public'. */
  readonly schema?: string;
  /**
   * Bound on every query: on the client, of the server's time (a reply that arrived while the
   * event loop was busy counts as in time), and, for a pool the store creates, on the server too.
   * A connection that hangs is dropped after twice this. Default 2000 ms.
   */
  readonly statementTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;

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
 *
 * The work is done by one part per concern (postgres-grants.ts, postgres-tokens.ts,
 * postgres-connectors.ts, postgres-deliveries.ts), on the SQL text of postgres-statements.ts (the
 * queue's own statements are in its part); StoreOfParts hands each call to its part.
 */
export class PostgresStore extends StoreOfParts<Promise<Resolved | undefined>> {
  readonly #pool: Pool;
  readonly #owned: boolean;
  readonly #schema: string;
  readonly #tables: PostgresTables;
  readonly #query: PostgresQuery;
  readonly #broadcast: Broadcast;

  constructor(options: PostgresStoreOptions = {}) {
    const schema = options.schema ?? 'public';
    const timeoutMs = options.statementTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (options.pool !== undefined && !isPgPool(options.pool)) throw new TypeError('PostgresStore: pool must be a pg Pool');
    const pool = options.pool ?? ownPool(options.connectionString, timeoutMs);
    // An identifier of at most 63 bytes whatever the schema's name, so NOTIFY and LISTEN agree.
    const channel = `grantkit_invalidate_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
    const sql = postgresStatements(schema);
    const query = new PostgresQuery(pool, timeoutMs);
    const notify: Notify = (event) => [channel, invalidationPayload(event)];
    super({
      grants: new PostgresGrants(query, sql, notify),
      tokens: new PostgresTokens(query, sql, notify),
      connectors: new PostgresConnectors(query, sql),
      deliveries: new PostgresDeliveries(query, schema),
    });
    this.#schema = schema;
    this.#owned = !options.pool;
    this.#pool = pool;
    this.#broadcast = new Broadcast(listenTransport(pool, channel, timeoutMs), { timeoutMs, heartbeatMs: options.heartbeatMs });
    this.#tables = sql.tables;
    this.#query = query;
  }

  /**
   * Creates the schema and applies the migrations it has not seen (postgres-migrate.ts). Idempotent
   * and safe when several instances start at once. Returns the names of the migrations it applied.
   */
  migrate(): Promise<string[]> {
    return migratePostgres(this.#pool, this.#schema);
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

  /**
   * Hears every invalidation sent through this database schema, by any instance, within about a
   * round trip of its commit. Resolves once LISTEN is in place; reports `onStatus(false)` when the
   * connection is lost (notifications sent meanwhile are gone) and `onStatus(true)` once it listens
   * again, reconnecting by itself. Rejects when it cannot listen within twice the timeout.
   */
  subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    return this.#broadcast.subscribe(listener);
  }

  /** Every row of the store's tables, as plain data: tests search it for plaintext secrets. */
  async dump(): Promise<unknown> {
    const { G, T, K, C, F, R } = this.#tables;
    const [grants, tokens, connectors, credentials, families, revokedTokens, deliveries] = await Promise.all([
      this.#query.rows(`SELECT * FROM ${G} ORDER BY id`, []),
      this.#query.rows(`SELECT * FROM ${T} ORDER BY hash`, []),
      this.#query.rows(`SELECT * FROM ${K} ORDER BY seq`, []),
      this.#query.rows(`SELECT * FROM ${C} ORDER BY seq`, []),
      this.#query.rows(`SELECT * FROM ${F} ORDER BY family`, []),
      this.#query.rows(`SELECT * FROM ${R} ORDER BY hash`, []),
      this.#query.rows(`SELECT * FROM ${quoteIdent(this.#schema)}.grantkit_deliveries ORDER BY due_at, id`, []),
    ]);
    return { grants, tokens, connectors, credentials, families, revokedTokens, deliveries };
  }

  /** Ends the pool if this store created it; a pool passed in stays open for its owner. */
  async close(): Promise<void> {
    this.#broadcast.stop();
    if (this.#owned && !this.#pool.ended) await this.#pool.end();
  }
}

/** A pool of the store's own, bounded by the timeout on connecting and on the server. */
function ownPool(connectionString: string | undefined, timeoutMs: number): Pool {
  // The server bounds each statement at the timeout. The client's timers (connecting, waiting for a
  // pooled connection) are backstops at twice that: a timer cannot tell a slow server from a busy
  // event loop, and the store's own deadline, which can, bounds every query (postgres-query.ts).
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 2 * timeoutMs, statement_timeout: timeoutMs, keepAlive: true });
  // An idle connection that dies (server restart, network) is reported here; the pool has
  // already dropped it and the next query opens a new one. Without a listener Node would crash.
  pool.on('error', () => {});
  return pool;
}
