import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { LocalBroadcast } from '../broadcast.js';
import type { InvalidationListener, Resolved } from '../records.js';
import { StoreOfParts } from '../store-of-parts.js';
import { applySqliteSchema } from './sqlite-schema.js';
import { sqliteCacheSettings, sqliteResolutions } from './sqlite-cache.js';
import type { SqliteCacheOptions } from './sqlite-cache-options.js';
import { SqliteConnectors } from './sqlite-connectors.js';
import { SqliteDeliveries } from './sqlite-deliveries.js';
import { SqliteGrants } from './sqlite-grants.js';
import { SqliteTokens } from './sqlite-tokens.js';
import { limiterClass, RATE_LIMIT_TABLE, type RateLimiterBackend, type RateLimiterSpec } from '../../limits/backends.js';

/**
 * A better-sqlite3 Database, described by the members the store calls, so that the store's public
 * types need no @types/better-sqlite3. `new Database(file)` from better-sqlite3 is one.
 */
export interface SqliteDatabase {
  readonly open: boolean;
  prepare(source: string): unknown;
  transaction(fn: (...args: never[]) => unknown): unknown;
  exec(source: string): unknown;
  pragma(source: string): unknown;
  close(): unknown;
}

export type { SqliteCacheOptions } from './sqlite-cache-options.js';

export type SqliteStoreOptions = ({ readonly filename: string } | { readonly database: SqliteDatabase }) & {
  /**
   * Resolutions kept in process memory, on by default: a guarded request then reads the file only
   * for a token it has not seen since the last change. The store's own writes drop what they name
   * at once; a write by another process sharing the file empties the cache within
   * `checkIntervalMs` (default 5 ms). `false` reads the file on every request.
   */
  readonly cache?: boolean | SqliteCacheOptions;
};

/** The store works with better-sqlite3's own type; a handle with its methods is taken to be one of its databases. */
function isBetterSqlite3(db: SqliteDatabase): db is Database {
  return typeof db.prepare === 'function' && typeof db.transaction === 'function' && typeof db.pragma === 'function';
}

/**
 * The embedded persistent store: one file, shared safely by the processes of one machine (WAL, and
 * writes that must be atomic run in IMMEDIATE transactions). better-sqlite3 is synchronous, so
 * `resolve` answers without a Promise, and from its own in-process cache on a hit
 * (sqlite-cache.ts): a revocation anywhere on the file is refused here within `checkIntervalMs`,
 * with no broadcast between processes.
 *
 * `subscribe` hears the changes made through this store object only, so the kit's `cache` option
 * would add a second cache that another process's revocations reach only when its TTL (at most
 * 5 s) runs out: leave it off, this store caches for itself.
 *
 * The work is done by one part per concern (sqlite-grants.ts, sqlite-tokens.ts,
 * sqlite-connectors.ts, sqlite-deliveries.ts), which also broadcast their changes and date the
 * tombstones on the wall clock; StoreOfParts hands each call to its part.
 */
export class SqliteStore extends StoreOfParts<Resolved | undefined> {
  readonly #db: Database;
  readonly #owned: boolean;
  readonly #broadcast: LocalBroadcast;

  constructor(options: SqliteStoreOptions) {
    const cache = sqliteCacheSettings(options.cache);
    const { db, owned } = openDatabase(options);
    applySqliteSchema(db);
    const broadcast = new LocalBroadcast();
    const resolutions = sqliteResolutions(db, cache);
    const tokens = new SqliteTokens(db, broadcast, resolutions);
    const grants = new SqliteGrants(db, tokens, broadcast, resolutions);
    super({ grants, tokens, connectors: new SqliteConnectors(db), deliveries: new SqliteDeliveries(db) });
    this.#db = db;
    this.#owned = owned;
    this.#broadcast = broadcast;
  }

  /**
   * Rate-limit counters in this database, shared by every process using the file. The table is
   * created with the schema; expired rows go with the token sweep (the limiter's own timer would
   * outlive a closed database).
   */
  rateLimiter(spec: RateLimiterSpec): RateLimiterBackend {
    const RateLimiterSQLite = limiterClass('RateLimiterSQLite');
    return new RateLimiterSQLite({
      ...spec,
      storeClient: this.#db,
      storeType: 'better-sqlite3',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      clearExpiredByTimeout: false,
    });
  }

  /** In-process only: see the class comment for what other processes rely on. */
  subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    return this.#broadcast.subscribe(listener);
  }

  /** Every row, as plain data: tests search it for plaintext secrets. */
  async dump(): Promise<unknown> {
    return {
      grants: this.#db.prepare('SELECT * FROM grantkit_grants ORDER BY id').all(),
      tokens: this.#db.prepare('SELECT * FROM grantkit_tokens ORDER BY hash').all(),
      connectors: this.#db.prepare('SELECT * FROM grantkit_connectors ORDER BY seq').all(),
      credentials: this.#db.prepare('SELECT * FROM grantkit_credentials ORDER BY seq').all(),
      revokedFamilies: this.#db.prepare('SELECT * FROM grantkit_revoked_families ORDER BY family').all(),
      revokedTokens: this.#db.prepare('SELECT * FROM grantkit_revoked_tokens ORDER BY hash').all(),
      deliveries: this.#db.prepare('SELECT * FROM grantkit_deliveries ORDER BY due_at, id').all(),
    };
  }

  /** Closes the database if this store opened it; a database passed in stays open for its owner. */
  async close(): Promise<void> {
    if (this.#owned && this.#db.open) this.#db.close();
  }
}

/** The database the options name: one passed in (its owner closes it), or a file this store opens. */
function openDatabase(options: SqliteStoreOptions): { db: Database; owned: boolean } {
  if ('database' in options) {
    if (!isBetterSqlite3(options.database)) throw new TypeError('SqliteStore: database must be a better-sqlite3 Database');
    return { db: options.database, owned: false };
  }
  const db = openFile(options.filename);
  // WAL lets readers run while one process writes; an in-memory database cannot use it.
  if (options.filename !== ':memory:' && options.filename !== '') db.pragma('journal_mode = WAL');
  return { db, owned: true };
}

/**
 * better-sqlite3 loads its native module on the first open, and only finds it if its install
 * script built or fetched it. A package manager that skips unapproved install scripts leaves it
 * out, and the loader's own error is a list of paths it tried; this one says what to run.
 */
function openFile(filename: string): Database {
  try {
    return new BetterSqlite3(filename);
  } catch (error) {
    if (error instanceof Error && error.message.includes('Could not locate the bindings file')) {
      throw new Error(
        "SqliteStore: better-sqlite3's native module is missing: its install script did not run. " +
          'Allow the script, then rebuild: npm install-scripts approve better-sqlite3 (where npm has that command), ' +
          'then npm rebuild better-sqlite3; with pnpm, pnpm approve-builds.',
        { cause: error },
      );
    }
    throw error;
  }
}
