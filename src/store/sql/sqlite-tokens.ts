import type { Database, Statement } from 'better-sqlite3';
import { RATE_LIMIT_TABLE } from '../../limits/backends.js';
import type { LocalBroadcast } from '../broadcast.js';
import type { Consumed, Resolved, TokenFilter, TokenRecord } from '../records.js';
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import type { KnowingTokenPart } from '../store-of-parts.js';
import { parseStored } from '../stored.js';
import { TOKEN_COLUMNS } from './columns.js';
import { namedBind, tokenListWhere } from './filter.js';
import { tokenParams } from './params.js';
import { readResolved, readToken, unconsumedRow } from './rows.js';
import type { ReadResolution, SqliteResolutions } from './sqlite-cache.js';

const LIVE_TOKEN_COLUMNS = `${TOKEN_COLUMNS}, consumed_at`;
/** The kinds a revocation keeps a tombstone of: the bearer tokens (revoked-family.ts). */
const BURIED_KINDS = "kind IN ('access', 'api_key')";
const NOT_EXPIRED = '(expires_at IS NULL OR expires_at > @now)';
const SWEEP_EVERY = 1000;

/** The statements that write, read and consume tokens. */
function tokenStatements(db: Database) {
  return {
    // Nothing is written for a token of a revoked family (revoked-family.ts).
    put: db.prepare(
      `INSERT OR REPLACE INTO grantkit_tokens (${LIVE_TOKEN_COLUMNS})
       SELECT @hash, @kind, @client_id, @grant_id, @family, @created_at, @expires_at, @data, @scopes, NULL
       WHERE @family IS NULL OR NOT EXISTS (SELECT 1 FROM grantkit_revoked_families WHERE family = @family)`,
    ),
    resolve: db.prepare<{ hash: string; now: number }>(
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
    live: db.prepare<{ hash: string; now: number }>(`SELECT ${LIVE_TOKEN_COLUMNS} FROM grantkit_tokens WHERE hash = @hash AND ${NOT_EXPIRED}`),
    markConsumed: db.prepare<{ hash: string; now: number }>(
      'UPDATE grantkit_tokens SET consumed_at = @now WHERE hash = @hash AND consumed_at IS NULL',
    ),
    get: db.prepare<[string]>(`SELECT ${TOKEN_COLUMNS} FROM grantkit_tokens WHERE hash = ?`),
    knows: db.prepare<[string, string]>(
      'SELECT 1 AS one FROM grantkit_tokens WHERE hash = ? UNION ALL SELECT 1 FROM grantkit_revoked_tokens WHERE hash = ? LIMIT 1',
    ),
    sweep: db.prepare<[number]>('DELETE FROM grantkit_tokens WHERE expires_at <= ?'),
    sweepFamilies: db.prepare<[number]>('DELETE FROM grantkit_revoked_families WHERE revoked_at <= ?'),
    sweepRevokedTokens: db.prepare<[number]>('DELETE FROM grantkit_revoked_tokens WHERE revoked_at <= ?'),
    sweepRateLimits: db.prepare<[number]>(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE expire < ?`),
  };
}

/**
 * The statements that revoke: each deletes tokens and, in the same transaction, first writes the
 * tombstones of the access tokens and API keys it is about to delete, found as it finds them.
 */
function revocationStatements(db: Database) {
  return {
    delete: db.prepare<[string]>('DELETE FROM grantkit_tokens WHERE hash = ?'),
    deleteFamily: db.prepare<[string]>('DELETE FROM grantkit_tokens WHERE family = ?'),
    deleteGrantTokens: db.prepare<[string]>('DELETE FROM grantkit_tokens WHERE grant_id = ?'),
    bury: db.prepare<{ hash: string; now: number }>(
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
  };
}

/**
 * The tokens of a SqliteStore. better-sqlite3 answers synchronously: `resolve` says so, the other
 * methods are async only to answer as the interface does. Writes that must be atomic run in
 * IMMEDIATE transactions: the write lock is taken before the read, so another process sharing the
 * file cannot consume in between, revoke a family between the check and the write, or write a token
 * of it between the marker and the delete. Revocations date their tombstones on the wall clock
 * (`buriedAt`) and are broadcast in-process. `resolve` goes through the store's resolution cache
 * (sqlite-cache.ts), and every write through its `own`, so the cache drops what a write names as
 * soon as it is committed; consuming a code is a write like the others, never cached.
 */
export class SqliteTokens implements KnowingTokenPart<Resolved | undefined> {
  readonly #db: Database;
  readonly #broadcast: LocalBroadcast;
  readonly #resolutions: SqliteResolutions;
  readonly #sql: ReturnType<typeof tokenStatements>;
  readonly #revoke: ReturnType<typeof revocationStatements>;
  readonly #lists = new Map<string, Statement<Record<string, unknown>>>();
  readonly #consumeTx;
  readonly #rotateTx;
  readonly #putTx;
  readonly #revokeTx;
  readonly #revokeFamilyTx;
  readonly #revokeGrantTokensTx;
  #writesSinceSweep = 0;

  constructor(db: Database, broadcast: LocalBroadcast, resolutions: SqliteResolutions) {
    this.#db = db;
    this.#broadcast = broadcast;
    this.#resolutions = resolutions;
    const sql = (this.#sql = tokenStatements(db));
    this.#revoke = revocationStatements(db);
    this.#consumeTx = db.transaction((hash: string, now: number) => this.#consume(hash, now));
    this.#rotateTx = db.transaction((oldHash: string, next: TokenRecord, now: number) => {
      const consumed = this.#consume(oldHash, now);
      if (consumed?.firstUse) sql.put.run(tokenParams(next));
      return consumed;
    });
    this.#putTx = db.transaction((token: TokenRecord) => {
      sql.put.run(tokenParams(token));
    });
    this.#revokeTx = db.transaction((hash: string, buriedAt: number) => this.#revokeOne(hash, buriedAt));
    this.#revokeFamilyTx = db.transaction((family: string, now: number, buriedAt: number) => {
      this.#revoke.markFamily.run(family, now);
      this.#revoke.buryFamily.run({ family, now: buriedAt });
      return this.#revoke.deleteFamily.run(family).changes;
    });
    this.#revokeGrantTokensTx = db.transaction((grantId: string, buriedAt: number) => this.revokeGrantTokensInTransaction(grantId, buriedAt));
  }

  async putToken(token: TokenRecord): Promise<void> {
    // A put may replace a token of the same hash: its cached resolution goes.
    this.#resolutions.own(() => this.#putTx.immediate(token), { tokenHash: token.hash });
    if (++this.#writesSinceSweep >= SWEEP_EVERY) {
      this.#writesSinceSweep = 0;
      // Only what has expired goes, which the cache never serves: nothing to name.
      this.#resolutions.own(() => this.#sweep(token.createdAt), {});
    }
  }

  resolve(hash: string, now: number): Resolved | undefined {
    return this.#resolutions.resolve(hash, now, this.#read);
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    // Codes and flow states never resolve, so no cached entry is affected.
    return this.#resolutions.own(() => this.#consumeTx.immediate(hash, now), {});
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return this.#resolutions.own(() => this.#rotateTx.immediate(oldHash, next, now), { tokenHash: next.hash });
  }

  async knows(hash: string): Promise<boolean> {
    return this.#sql.knows.get(hash, hash) !== undefined;
  }

  /** A write transaction: the token read, its tombstone and the delete go together. */
  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    // Another process deleting it first only means both report the same token, which is harmless.
    const token = this.#resolutions.own(() => this.#revokeTx.immediate(hash, Date.now()), { tokenHash: hash });
    if (token === undefined) return undefined;
    this.#broadcast.send({ tokenHash: hash });
    return token;
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    const n = this.#resolutions.own(() => this.#revokeFamilyTx.immediate(family, now, Date.now()), { family });
    this.#broadcast.send({ family });
    return n;
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    const n = this.#resolutions.own(() => this.#revokeGrantTokensTx.immediate(grantId, Date.now()), { grantId });
    this.#broadcast.send({ grantId });
    return n;
  }

  /** Buries and deletes every token of a grant, inside a transaction the caller holds (deleting the grant). */
  revokeGrantTokensInTransaction(grantId: string, buriedAt: number): number {
    this.#revoke.buryGrantTokens.run({ grantId, now: buriedAt });
    return this.#revoke.deleteGrantTokens.run(grantId).changes;
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const params: Record<string, unknown> = {};
    const where = tokenListWhere(filter, namedBind(params));
    const text = `SELECT ${TOKEN_COLUMNS} FROM grantkit_tokens WHERE ${where} ORDER BY created_at, hash`;
    // A few filter shapes at most: each is prepared once and kept.
    let stmt = this.#lists.get(text);
    if (!stmt) this.#lists.set(text, (stmt = this.#db.prepare<Record<string, unknown>>(text)));
    return stmt.all(params).map(readToken);
  }

  /** The file's answer, uncached: the cache calls it on a miss. */
  readonly #read: ReadResolution = (hash, now) => {
    const row = this.#sql.resolve.get({ hash, now });
    return row === undefined ? undefined : readResolved(row);
  };

  #sweep(now: number): void {
    this.#sql.sweep.run(now);
    this.#sql.sweepFamilies.run(now - REVOKED_FAMILY_RETENTION_MS);
    this.#sql.sweepRevokedTokens.run(Date.now() - REVOKED_TOKEN_RETENTION_MS);
    this.#sql.sweepRateLimits.run(Date.now());
  }

  #consume(hash: string, now: number): Consumed | undefined {
    const row = this.#sql.live.get({ hash, now });
    if (row === undefined) return undefined;
    const consumed = parseStored(unconsumedRow, row, 'token');
    if (consumed.firstUse) this.#sql.markConsumed.run({ hash, now });
    return consumed;
  }

  #revokeOne(hash: string, buriedAt: number): TokenRecord | undefined {
    const row = this.#sql.get.get(hash);
    if (row === undefined) return undefined;
    // Read before anything is deleted: a row that does not parse leaves the token where it was.
    const token = readToken(row);
    this.#revoke.bury.run({ hash, now: buriedAt });
    this.#revoke.delete.run(hash);
    return token;
  }
}
