import type { Database, Statement } from 'better-sqlite3';
import type { LocalBroadcast } from '../broadcast.js';
import type { GrantPart } from '../delegating-store.js';
import type { GrantFilter, GrantRecord } from '../records.js';
import { GRANT_COLUMNS } from './columns.js';
import { grantListClauses, namedBind } from './filter.js';
import { grantParams, JSON_LIST } from './params.js';
import { readGrant } from './rows.js';
import type { SqliteResolutions } from './sqlite-cache.js';
import type { SqliteTokens } from './sqlite-tokens.js';

/**
 * The grants of a SqliteStore. better-sqlite3 answers synchronously; the methods are async only to
 * answer as the interface does, a throw becoming a rejection. Deleting a grant revokes its tokens
 * through `tokens`, dating their tombstones on the wall clock; every write is broadcast in-process
 * and drops the grant's cached resolutions as soon as it is committed (sqlite-cache.ts).
 */
export class SqliteGrants implements GrantPart {
  readonly #db: Database;
  readonly #broadcast: LocalBroadcast;
  readonly #resolutions: SqliteResolutions;
  readonly #lists = new Map<string, Statement<Record<string, unknown>>>();
  readonly #get: Statement<[string]>;
  readonly #byEmail: Statement<[string, string]>;
  readonly #put: Statement;
  readonly #deleteTx;

  constructor(db: Database, tokens: SqliteTokens, broadcast: LocalBroadcast, resolutions: SqliteResolutions) {
    this.#db = db;
    this.#broadcast = broadcast;
    this.#resolutions = resolutions;
    this.#get = db.prepare<[string]>(`SELECT ${GRANT_COLUMNS} FROM grantkit_grants WHERE id = ?`);
    // Several ids may share an email if a caller broke the one-grant rule; the latest write wins, as in memory.
    this.#byEmail = db.prepare<[string, string]>(
      `SELECT ${GRANT_COLUMNS} FROM grantkit_grants WHERE client_id = ? AND email_lower = ?
       ORDER BY updated_at DESC, id DESC LIMIT 1`,
    );
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO grantkit_grants (${GRANT_COLUMNS}, email_lower)
       VALUES (@id, @client_id, @provider, @email, @name, @scopes, @status, @settings, @created_at, @updated_at,
               @scope_vocabulary, @identity, @email_lower)`,
    );
    const deleteGrant = db.prepare<[string]>('DELETE FROM grantkit_grants WHERE id = ?');
    // One write transaction: the grant, the tombstones of its tokens, and its tokens go together.
    this.#deleteTx = db.transaction((id: string, buriedAt: number) => {
      if (deleteGrant.run(id).changes === 0) return false;
      tokens.revokeGrantTokensInTransaction(id, buriedAt);
      return true;
    });
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    const row = this.#get.get(id);
    return row === undefined ? undefined : readGrant(row);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const row = this.#byEmail.get(clientId, email.toLowerCase());
    return row === undefined ? undefined : readGrant(row);
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    this.#resolutions.own(() => this.#put.run(grantParams(grant, JSON_LIST)), { grantId: grant.id });
    this.#broadcast.send({ grantId: grant.id });
  }

  async deleteGrant(id: string): Promise<boolean> {
    const deleted = this.#resolutions.own(() => this.#deleteTx.immediate(id, Date.now()), { grantId: id });
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
    let stmt = this.#lists.get(text);
    if (!stmt) this.#lists.set(text, (stmt = this.#db.prepare<Record<string, unknown>>(text)));
    return stmt.all(params).map(readGrant);
  }
}
