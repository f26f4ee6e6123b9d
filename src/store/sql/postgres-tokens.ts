import type { Consumed, Resolved, TokenFilter, TokenRecord } from '../records.js';
import type { KnowingTokenPart } from '../store-of-parts.js';
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import { parseStored } from '../stored.js';
import { TOKEN_COLUMN_NAMES, TOKEN_COLUMNS } from './columns.js';
import { positionalBind, tokenListWhere } from './filter.js';
import { tokenParams } from './params.js';
import { positional, type Notify, type PostgresQuery } from './postgres-query.js';
import type { PostgresStatements } from './postgres-statements.js';
import { consumedRow, readCount, readResolved, readToken } from './rows.js';

const SWEEP_EVERY = 1000;

/**
 * The tokens of a PostgresStore. consume and rotate are single statements whose UPDATE re-checks
 * `consumed_at IS NULL` under the row lock, which makes them atomic across instances; revocations
 * write their tombstones and notify from inside the statement that deletes (postgres-statements.ts).
 */
export class PostgresTokens implements KnowingTokenPart<Promise<Resolved | undefined>> {
  readonly #query: PostgresQuery;
  readonly #sql: PostgresStatements;
  readonly #notify: Notify;
  #writesSinceSweep = 0;

  constructor(query: PostgresQuery, sql: PostgresStatements, notify: Notify) {
    this.#query = query;
    this.#sql = sql;
    this.#notify = notify;
  }

  async putToken(token: TokenRecord): Promise<void> {
    await this.#query.run(this.#sql.tokens.put, tokenValues(token));
    if (++this.#writesSinceSweep >= SWEEP_EVERY) {
      this.#writesSinceSweep = 0;
      const sql = this.#sql.revocations;
      // Garbage collection only: expiry is enforced on read, so a failed sweep changes nothing.
      await this.#query.run(sql.sweep, [token.createdAt]).catch(() => {});
      await this.#query.run(sql.sweepFamilies, [token.createdAt - REVOKED_FAMILY_RETENTION_MS]).catch(() => {});
      await this.#query.run(sql.sweepRevokedTokens, [Date.now() - REVOKED_TOKEN_RETENTION_MS]).catch(() => {});
    }
  }

  async resolve(hash: string, now: number): Promise<Resolved | undefined> {
    const row = await this.#query.row(this.#sql.tokens.resolve, [hash, now]);
    return row === undefined ? undefined : readResolved(row);
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    return readConsumed(await this.#query.row(this.#sql.tokens.consume, [hash, now]));
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return readConsumed(await this.#query.row(this.#sql.tokens.rotate, [oldHash, now, ...tokenValues(next)]));
  }

  async knows(hash: string): Promise<boolean> {
    return (await this.#query.rows(this.#sql.revocations.knows, [hash])).length > 0;
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const row = await this.#query.row(this.#sql.revocations.token, [hash, ...this.#notify({ tokenHash: hash }), Date.now()]);
    return row === undefined ? undefined : readToken(row);
  }

  /** Two statements, the mark first: see `familyGate` in postgres-statements.ts for why one would not do. */
  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    const sql = this.#sql.revocations;
    await this.#query.run(sql.markFamily, [family, now]);
    return readCount(await this.#query.row(sql.family, [family, ...this.#notify({ family }), Date.now()]));
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    return readCount(await this.#query.row(this.#sql.revocations.grantTokens, [grantId, ...this.#notify({ grantId }), Date.now()]));
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const values: unknown[] = [];
    const where = tokenListWhere(filter, positionalBind(values));
    const text = `SELECT ${TOKEN_COLUMNS} FROM ${this.#sql.tables.T} WHERE ${where} ORDER BY created_at, hash COLLATE "C"`;
    return (await this.#query.rows(text, values)).map(readToken);
  }
}

function tokenValues(t: TokenRecord): unknown[] {
  return positional(tokenParams(t), TOKEN_COLUMN_NAMES);
}

function readConsumed(row: unknown): Consumed | undefined {
  return row === undefined ? undefined : parseStored(consumedRow, row, 'token');
}
