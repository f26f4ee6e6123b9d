import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { LocalBroadcast } from '../broadcast.js';
import type { Consumed, GrantFilter, GrantRecord, InvalidationListener, Resolved, TokenFilter, TokenRecord } from '../records.js';
import type { Store } from '../store.js';
import { applySqliteSchema } from './sqlite-schema.js';
import { SqliteConnectors } from './sqlite-connectors.js';
import { SqliteGrants } from './sqlite-grants.js';
import { SqliteTokens } from './sqlite-tokens.js';
import { limiterClass, RATE_LIMIT_TABLE, type RateLimiterBackend, type RateLimiterSpec } from '../../limits/backends.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/connector-records.js';

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

export type SqliteStoreOptions = { readonly filename: string } | { readonly database: SqliteDatabase };

/** The store works with better-sqlite3's own type; a handle with its methods is taken to be one of its databases. */
function isBetterSqlite3(db: SqliteDatabase): db is Database {
  return typeof db.prepare === 'function' && typeof db.transaction === 'function' && typeof db.pragma === 'function';
}

/**
 * The embedded persistent store: one file, shared safely by the processes of one machine (WAL, and
 * writes that must be atomic run in IMMEDIATE transactions). better-sqlite3 is synchronous, so
 * `resolve` answers without a Promise, as fast as the memory store.
 *
 * `subscribe` hears the changes made through this store object only. SQLite has no way to tell
 * other processes, so a grant cache in another process sharing the file learns of a revocation
 * only when its TTL (at most 5 s) runs out; without a cache, every request reads the file and sees
 * a revocation at once.
 *
 * The work is done by one part per concern (sqlite-grants.ts, sqlite-tokens.ts,
 * sqlite-connectors.ts); this class adds the broadcast and the wall clock of the tombstones.
 */
export class SqliteStore implements Store, ConnectorStore {
  readonly #db: Database;
  readonly #owned: boolean;
  readonly #grants: SqliteGrants;
  readonly #tokens: SqliteTokens;
  readonly #connectors: SqliteConnectors;
  readonly #broadcast = new LocalBroadcast();

  constructor(options: SqliteStoreOptions) {
    if ('database' in options) {
      if (!isBetterSqlite3(options.database)) throw new TypeError('SqliteStore: database must be a better-sqlite3 Database');
      this.#db = options.database;
      this.#owned = false;
    } else {
      this.#db = new BetterSqlite3(options.filename);
      this.#owned = true;
      // WAL lets readers run while one process writes; an in-memory database cannot use it.
      if (options.filename !== ':memory:' && options.filename !== '') this.#db.pragma('journal_mode = WAL');
    }
    applySqliteSchema(this.#db);
    this.#tokens = new SqliteTokens(this.#db);
    this.#grants = new SqliteGrants(this.#db, this.#tokens);
    this.#connectors = new SqliteConnectors(this.#db);
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.#grants.get(id);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    return this.#grants.findByEmail(clientId, email);
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    this.#grants.put(grant);
    this.#broadcast.send({ grantId: grant.id });
  }

  async deleteGrant(id: string): Promise<boolean> {
    const deleted = this.#grants.delete(id, Date.now());
    this.#broadcast.send({ grantId: id });
    return deleted;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    return this.#grants.list(filter);
  }

  async putToken(token: TokenRecord): Promise<void> {
    this.#tokens.put(token);
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

  resolve(hash: string, now: number): Resolved | undefined {
    return this.#tokens.resolve(hash, now);
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    return this.#tokens.consume(hash, now);
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return this.#tokens.rotate(oldHash, next, now);
  }

  async knows(hash: string): Promise<boolean> {
    return this.#tokens.knows(hash);
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    // Another process deleting it first only means both report the same token, which is harmless.
    const token = this.#tokens.revoke(hash, Date.now());
    if (token === undefined) return undefined;
    this.#broadcast.send({ tokenHash: hash });
    return token;
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    const n = this.#tokens.revokeFamily(family, now, Date.now());
    this.#broadcast.send({ family });
    return n;
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    const n = this.#tokens.revokeGrantTokens(grantId, Date.now());
    this.#broadcast.send({ grantId });
    return n;
  }

  /** In-process only: see the class comment for what other processes rely on. */
  subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    return this.#broadcast.subscribe(listener);
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    return this.#tokens.list(filter);
  }

  // Connectors and credentials (ConnectorStore): see sqlite-connectors.ts.

  getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    return this.#connectors.getConnector(provider, owner);
  }

  putConnector(connector: ConnectorRecord): Promise<void> {
    return this.#connectors.putConnector(connector);
  }

  deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return this.#connectors.deleteConnector(provider, owner);
  }

  listConnectors(): Promise<ConnectorRecord[]> {
    return this.#connectors.listConnectors();
  }

  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#connectors.getCredential(id);
  }

  putCredential(credential: CredentialRecord): Promise<void> {
    return this.#connectors.putCredential(credential);
  }

  deleteCredential(id: string): Promise<boolean> {
    return this.#connectors.deleteCredential(id);
  }

  listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return this.#connectors.listCredentials(provider, owner);
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
    };
  }

  /** Closes the database if this store opened it; a database passed in stays open for its owner. */
  async close(): Promise<void> {
    if (this.#owned && this.#db.open) this.#db.close();
  }
}
