import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import { LocalBroadcast } from '../broadcast.js';
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import type { Consumed, GrantFilter, GrantRecord, InvalidationListener, Resolved, TokenFilter, TokenRecord } from '../records.js';
import { grantListClauses, tokenListWhere, type Bind } from './filter.js';
import {
  APP_OWNER,
  CONNECTOR_COLUMNS,
  connectorParams,
  CREDENTIAL_COLUMNS,
  credentialParams,
  GRANT_COLUMNS,
  grantParams,
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
  type TokenRow,
} from './rows.js';
import type { Store } from '../store.js';
import { applySqliteSchema } from './sqlite-schema.js';
import { limiterClass, RATE_LIMIT_TABLE, type RateLimiterBackend, type RateLimiterSpec } from '../../limits/backends.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/records.js';

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

/** SQLite reads `consumed_at` with the token: consume decides first use in JS, inside its transaction. */
type LiveTokenRow = TokenRow & { consumed_at: number | null };
/** A token row joined to its grant. */
type ResolvedRow = LiveTokenRow & JoinedGrantRow;

// Lists are kept as JSON text: it gives back exactly the strings that went in.
const JSON_LIST: ListEncoder = (list) => JSON.stringify(list);

const LIVE_TOKEN_COLUMNS = `${TOKEN_COLUMNS}, consumed_at`;
/** The kinds a revocation keeps a tombstone of: the bearer tokens (revoked-family.ts). */
const BURIED_KINDS = "kind IN ('access', 'api_key')";
const NOT_EXPIRED = '(expires_at IS NULL OR expires_at > @now)';
const SWEEP_EVERY = 1000;

/**
 * The embedded persistent store: one file, shared safely by the processes of one machine (WAL, and
 * writes that must be atomic run in IMMEDIATE transactions). better-sqlite3 is synchronous, so
 * `resolve` answers without a Promise, as fast as the memory store.
 *
 * `subscribe` hears the changes made through this store object only. SQLite has no way to tell
 * other processes, so a grant cache in another process sharing the file learns of a revocation
 * only when its TTL (at most 5 s) runs out; without a cache, every request reads the file and sees
 * a revocation at once.
 */
export class SqliteStore implements Store, ConnectorStore {
  readonly #db: Database;
  readonly #owned: boolean;
  readonly #listGrants = new Map<string, Statement<Record<string, unknown>, GrantRow>>();
  readonly #listTokens = new Map<string, Statement<Record<string, unknown>, TokenRow>>();
  readonly #sql;
  readonly #consumeTx;
  readonly #rotateTx;
  readonly #deleteGrantTx;
  readonly #deleteConnectorTx;
  readonly #putTokenTx;
  readonly #revokeFamilyTx;
  readonly #revokeTokenTx;
  readonly #revokeGrantTokensTx;
  readonly #broadcast = new LocalBroadcast();
  #writesSinceSweep = 0;

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
    const db = this.#db;
    this.#sql = {
      getGrant: db.prepare<[string], GrantRow>(`SELECT ${GRANT_COLUMNS} FROM grantkit_grants WHERE id = ?`),
      // Several ids may share an email if a caller broke the one-grant rule; the latest write wins, as in memory.
      grantByEmail: db.prepare<[string, string], GrantRow>(
        `SELECT ${GRANT_COLUMNS} FROM grantkit_grants WHERE client_id = ? AND email_lower = ?
         ORDER BY updated_at DESC, id DESC LIMIT 1`,
      ),
      putGrant: db.prepare(
        `INSERT OR REPLACE INTO grantkit_grants (${GRANT_COLUMNS}, email_lower)
         VALUES (@id, @client_id, @provider, @email, @name, @scopes, @status, @settings, @created_at, @updated_at,
                 @scope_vocabulary, @identity, @email_lower)`,
      ),
      deleteGrant: db.prepare<[string]>('DELETE FROM grantkit_grants WHERE id = ?'),
      deleteGrantTokens: db.prepare<[string]>('DELETE FROM grantkit_tokens WHERE grant_id = ?'),
      // Nothing is written for a token of a revoked family (revoked-family.ts).
      putToken: db.prepare(
        `INSERT OR REPLACE INTO grantkit_tokens (${LIVE_TOKEN_COLUMNS})
         SELECT @hash, @kind, @client_id, @grant_id, @family, @created_at, @expires_at, @data, @scopes, NULL
         WHERE @family IS NULL OR NOT EXISTS (SELECT 1 FROM grantkit_revoked_families WHERE family = @family)`,
      ),
      resolve: db.prepare<{ hash: string; now: number }, ResolvedRow>(
        `SELECT t.hash, t.kind, t.client_id, t.grant_id, t.family, t.created_at, t.expires_at, t.data, t.scopes, t.consumed_at,
                g.id AS g_id, g.client_id AS g_client_id, g.provider AS g_provider, g.email AS g_email,
                g.name AS g_name, g.scopes AS g_scopes, g.status AS g_status, g.settings AS g_settings,
                g.created_at AS g_created_at, g.updated_at AS g_updated_at, g.scope_vocabulary AS g_scope_vocabulary,
                g.identity AS g_identity
         FROM grantkit_tokens t LEFT JOIN grantkit_grants g ON g.id = t.grant_id
         WHERE t.hash = @hash AND t.kind IN ('access', 'api_key')
           AND (t.expires_at IS NULL OR t.expires_at > @now)
           AND (t.family IS NULL OR NOT EXISTS (SELECT 1 FROM grantkit_revoked_families r WHERE r.family = t.family))`,
      ),
      live: db.prepare<{ hash: string; now: number }, LiveTokenRow>(
        `SELECT ${LIVE_TOKEN_COLUMNS} FROM grantkit_tokens WHERE hash = @hash AND ${NOT_EXPIRED}`,
      ),
      markConsumed: db.prepare<{ hash: string; now: number }>(
        'UPDATE grantkit_tokens SET consumed_at = @now WHERE hash = @hash AND consumed_at IS NULL',
      ),
      getToken: db.prepare<[string], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM grantkit_tokens WHERE hash = ?`),
      deleteToken: db.prepare<[string]>('DELETE FROM grantkit_tokens WHERE hash = ?'),
      deleteFamily: db.prepare<[string]>('DELETE FROM grantkit_tokens WHERE family = ?'),
      // Tombstones of the access tokens and API keys a revocation is about to delete, found as it finds them.
      buryToken: db.prepare<{ hash: string; now: number }>(
        `INSERT OR REPLACE INTO grantkit_revoked_tokens (hash, revoked_at)
         SELECT hash, @now FROM grantkit_tokens WHERE hash = @hash AND ${BURIED_KINDS}`,
      ),
      buryFamily: db.prepare<{ family: string; now: number }>(
        `INSERT OR REPLACE INTO grantkit_revoked_tokens (hash, revoked_at)
         SELECT hash, @now FROM grantkit_tokens WHERE family = @family AND ${BURIED_KINDS}`,
      ),
      buryGrantTokens: db.prepare<{ grantId: string; now: number }>(
        `INSERT OR REPLACE INTO grantkit_revoked_tokens (hash, revoked_at)
         SELECT hash, @now FROM grantkit_tokens WHERE grant_id = @grantId AND ${BURIED_KINDS}`,
      ),
      markFamily: db.prepare<[string, number]>('INSERT OR IGNORE INTO grantkit_revoked_families (family, revoked_at) VALUES (?, ?)'),
      sweep: db.prepare<[number]>('DELETE FROM grantkit_tokens WHERE expires_at <= ?'),
      sweepFamilies: db.prepare<[number]>('DELETE FROM grantkit_revoked_families WHERE revoked_at <= ?'),
      sweepRevokedTokens: db.prepare<[number]>('DELETE FROM grantkit_revoked_tokens WHERE revoked_at <= ?'),
      // A connector is keyed by (owner, provider); owner '' is the app's (see rows.ts).
      getConnector: db.prepare<[string, string], ConnectorRow>(
        `SELECT ${CONNECTOR_COLUMNS} FROM grantkit_connectors WHERE owner = ? AND provider = ?`,
      ),
      sweepRateLimits: db.prepare<[number]>(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE expire < ?`),
      knows: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM grantkit_tokens WHERE hash = ? UNION ALL SELECT 1 FROM grantkit_revoked_tokens WHERE hash = ? LIMIT 1',
      ),
      putConnector: db.prepare(
        `INSERT INTO grantkit_connectors (${CONNECTOR_COLUMNS})
         VALUES (@provider, @id, @name, @client_id, @client_secret, @settings, @default_scopes, @allowed_scopes,
                 @endpoints, @active_credential_id, @created_at, @updated_at, @owner, @clients)
         ON CONFLICT (owner, provider) DO UPDATE SET id = excluded.id, name = excluded.name, client_id = excluded.client_id,
           client_secret = excluded.client_secret, settings = excluded.settings, default_scopes = excluded.default_scopes,
           allowed_scopes = excluded.allowed_scopes, endpoints = excluded.endpoints,
           active_credential_id = excluded.active_credential_id, created_at = excluded.created_at, updated_at = excluded.updated_at,
           clients = excluded.clients`,
      ),
      deleteConnector: db.prepare<[string, string]>('DELETE FROM grantkit_connectors WHERE owner = ? AND provider = ?'),
      listConnectors: db.prepare<[], ConnectorRow>(`SELECT ${CONNECTOR_COLUMNS} FROM grantkit_connectors ORDER BY seq`),
      getCredential: db.prepare<[string], CredentialRow>(`SELECT ${CREDENTIAL_COLUMNS} FROM grantkit_credentials WHERE id = ?`),
      putCredential: db.prepare(
        `INSERT INTO grantkit_credentials (${CREDENTIAL_COLUMNS})
         VALUES (@id, @provider, @name, @type, @data, @created_at, @updated_at, @owner)
         ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, name = excluded.name, type = excluded.type,
           data = excluded.data, created_at = excluded.created_at, updated_at = excluded.updated_at, owner = excluded.owner`,
      ),
      deleteCredential: db.prepare<[string]>('DELETE FROM grantkit_credentials WHERE id = ?'),
      deleteConnectorCredentials: db.prepare<[string, string]>('DELETE FROM grantkit_credentials WHERE owner = ? AND provider = ?'),
      listCredentials: db.prepare<[string, string], CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM grantkit_credentials WHERE owner = ? AND provider = ? ORDER BY seq`,
      ),
    };

    const sql = this.#sql;
    // IMMEDIATE takes the write lock before the read, so another process cannot consume in between.
    const consume = (hash: string, now: number): Consumed | undefined => {
      const row = sql.live.get({ hash, now });
      if (!row) return undefined;
      const firstUse = row.consumed_at === null;
      if (firstUse) sql.markConsumed.run({ hash, now });
      return { record: toToken(row), firstUse };
    };
    this.#consumeTx = db.transaction(consume);
    this.#rotateTx = db.transaction((oldHash: string, next: TokenRecord, now: number) => {
      const consumed = consume(oldHash, now);
      if (consumed?.firstUse) sql.putToken.run(tokenParams(next));
      return consumed;
    });
    // Write transactions (run IMMEDIATE): another process sharing the file cannot revoke the family
    // between the check and the write, nor write a token of it between the marker and the delete.
    this.#putTokenTx = db.transaction((token: TokenRecord) => {
      sql.putToken.run(tokenParams(token));
    });
    // Revocations write their tombstones (wall clock, `buriedAt`) in the transaction that deletes.
    this.#revokeFamilyTx = db.transaction((family: string, now: number, buriedAt: number) => {
      sql.markFamily.run(family, now);
      sql.buryFamily.run({ family, now: buriedAt });
      return sql.deleteFamily.run(family).changes;
    });
    this.#revokeTokenTx = db.transaction((hash: string, buriedAt: number) => {
      const row = sql.getToken.get(hash);
      if (!row) return undefined;
      sql.buryToken.run({ hash, now: buriedAt });
      sql.deleteToken.run(hash);
      return row;
    });
    this.#revokeGrantTokensTx = db.transaction((grantId: string, buriedAt: number) => {
      sql.buryGrantTokens.run({ grantId, now: buriedAt });
      return sql.deleteGrantTokens.run(grantId).changes;
    });
    this.#deleteGrantTx = db.transaction((id: string, buriedAt: number) => {
      if (sql.deleteGrant.run(id).changes === 0) return false;
      sql.buryGrantTokens.run({ grantId: id, now: buriedAt });
      sql.deleteGrantTokens.run(id);
      return true;
    });
    // One transaction, so no process ever sees the connector gone and its credentials still there.
    // The credentials go even when the connector is already gone, as in the memory store.
    this.#deleteConnectorTx = db.transaction((owner: string, provider: string) => {
      sql.deleteConnectorCredentials.run(owner, provider);
      return sql.deleteConnector.run(owner, provider).changes > 0;
    });
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    const row = this.#sql.getGrant.get(id);
    return row && toGrant(row);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const row = this.#sql.grantByEmail.get(clientId, email.toLowerCase());
    return row && toGrant(row);
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    this.#sql.putGrant.run(grantParams(grant, JSON_LIST));
    this.#broadcast.send({ grantId: grant.id });
  }

  async deleteGrant(id: string): Promise<boolean> {
    const deleted = this.#deleteGrantTx.immediate(id, Date.now());
    this.#broadcast.send({ grantId: id });
    return deleted;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    const params: Record<string, unknown> = {};
    const bind = namedBind(params);
    const { where, column, dir } = grantListClauses(filter, bind);
    // SQLite reads a negative LIMIT as "no limit".
    const page = `LIMIT ${bind('limit', filter.limit ?? -1)} OFFSET ${bind('offset', filter.offset ?? 0)}`;
    const text = `SELECT ${GRANT_COLUMNS} FROM grantkit_grants${where} ORDER BY ${column} ${dir}, id ASC ${page}`;
    // A few dozen filter shapes at most: each is prepared once and kept.
    let stmt = this.#listGrants.get(text);
    if (!stmt) this.#listGrants.set(text, (stmt = this.#db.prepare<Record<string, unknown>, GrantRow>(text)));
    return stmt.all(params).map(toGrant);
  }

  async putToken(token: TokenRecord): Promise<void> {
    this.#putTokenTx.immediate(token);
    if (++this.#writesSinceSweep >= SWEEP_EVERY) {
      this.#writesSinceSweep = 0;
      this.#sql.sweep.run(token.createdAt);
      this.#sql.sweepFamilies.run(token.createdAt - REVOKED_FAMILY_RETENTION_MS);
      this.#sql.sweepRevokedTokens.run(Date.now() - REVOKED_TOKEN_RETENTION_MS);
      this.#sql.sweepRateLimits.run(Date.now());
    }
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
    const row = this.#sql.resolve.get({ hash, now });
    if (!row) return undefined;
    return { token: toToken(row), grant: toJoinedGrant(row) };
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    return this.#consumeTx.immediate(hash, now);
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return this.#rotateTx.immediate(oldHash, next, now);
  }

  async knows(hash: string): Promise<boolean> {
    return this.#sql.knows.get(hash, hash) !== undefined;
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    // A write transaction: the token read, its tombstone and the delete go together. Another
    // process deleting it first only means both report the same token, which is harmless.
    const row = this.#revokeTokenTx.immediate(hash, Date.now());
    if (!row) return undefined;
    this.#broadcast.send({ tokenHash: hash });
    return toToken(row);
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    const n = this.#revokeFamilyTx.immediate(family, now, Date.now());
    this.#broadcast.send({ family });
    return n;
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    const n = this.#revokeGrantTokensTx.immediate(grantId, Date.now());
    this.#broadcast.send({ grantId });
    return n;
  }

  /** In-process only: see the class comment for what other processes rely on. */
  subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    return this.#broadcast.subscribe(listener);
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const params: Record<string, unknown> = {};
    const where = tokenListWhere(filter, namedBind(params));
    const text = `SELECT ${TOKEN_COLUMNS} FROM grantkit_tokens WHERE ${where} ORDER BY created_at, hash`;
    let stmt = this.#listTokens.get(text);
    if (!stmt) this.#listTokens.set(text, (stmt = this.#db.prepare<Record<string, unknown>, TokenRow>(text)));
    return stmt.all(params).map(toToken);
  }

  // Connectors and credentials (ConnectorStore). None of these writes touches a token or a grant, so
  // nothing is broadcast: the grant cache never holds connectors.

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    const row = this.#sql.getConnector.get(owner ?? APP_OWNER, provider);
    return row && toConnector(row);
  }

  async putConnector(connector: ConnectorRecord): Promise<void> {
    this.#sql.putConnector.run(connectorParams(connector, JSON_LIST));
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return this.#deleteConnectorTx.immediate(owner ?? APP_OWNER, provider);
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return this.#sql.listConnectors.all().map(toConnector);
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = this.#sql.getCredential.get(id);
    return row && toCredential(row);
  }

  async putCredential(credential: CredentialRecord): Promise<void> {
    this.#sql.putCredential.run(credentialParams(credential));
  }

  async deleteCredential(id: string): Promise<boolean> {
    return this.#sql.deleteCredential.run(id).changes > 0;
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return this.#sql.listCredentials.all(owner ?? APP_OWNER, provider).map(toCredential);
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

/** Named parameters (`@name`), gathered into `params` for better-sqlite3. */
function namedBind(params: Record<string, unknown>): Bind {
  return (name, value) => {
    params[name] = value;
    return `@${name}`;
  };
}
