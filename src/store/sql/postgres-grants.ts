import type { GrantPart } from '../delegating-store.js';
import type { GrantFilter, GrantRecord } from '../records.js';
import { GRANT_COLUMN_NAMES, GRANT_COLUMNS } from './columns.js';
import { grantListClauses, positionalBind } from './filter.js';
import { ARRAY_LIST, grantParams } from './params.js';
import { positional, type Notify, type PostgresQuery } from './postgres-query.js';
import type { PostgresStatements } from './postgres-statements.js';
import { readCount, readGrant } from './rows.js';

const GRANT_PUT_COLUMN_NAMES = [...GRANT_COLUMN_NAMES, 'email_lower'] as const;

/** The grants of a PostgresStore: one statement each, the writes notifying from inside it. */
export class PostgresGrants implements GrantPart {
  readonly #query: PostgresQuery;
  readonly #sql: PostgresStatements;
  readonly #notify: Notify;

  constructor(query: PostgresQuery, sql: PostgresStatements, notify: Notify) {
    this.#query = query;
    this.#sql = sql;
    this.#notify = notify;
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    const row = await this.#query.row(this.#sql.grants.get, [id]);
    return row === undefined ? undefined : readGrant(row);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const row = await this.#query.row(this.#sql.grants.byEmail, [clientId, email.toLowerCase()]);
    return row === undefined ? undefined : readGrant(row);
  }

  async putGrant(g: GrantRecord): Promise<void> {
    await this.#query.run(this.#sql.grants.put, [
      ...positional(grantParams(g, ARRAY_LIST), GRANT_PUT_COLUMN_NAMES),
      ...this.#notify({ grantId: g.id }),
    ]);
  }

  /** The grant, its tokens and their tombstones in one statement; $4 dates the tombstones. */
  async deleteGrant(id: string): Promise<boolean> {
    const row = await this.#query.row(this.#sql.grants.delete, [id, ...this.#notify({ grantId: id }), Date.now()]);
    return readCount(row) > 0;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    const values: unknown[] = [];
    const bind = positionalBind(values);
    const { where, column, dir } = grantListClauses(filter, bind);
    // LIMIT NULL is "no limit".
    const page = `LIMIT ${bind('limit', filter.limit ?? null)} OFFSET ${bind('offset', filter.offset ?? 0)}`;
    // COLLATE "C": ties break on code points, as in the other stores, whatever the database locale.
    const text = `SELECT ${GRANT_COLUMNS} FROM ${this.#sql.tables.G}${where} ORDER BY ${column} ${dir}, id COLLATE "C" ASC ${page}`;
    return (await this.#query.rows(text, values)).map(readGrant);
  }
}
