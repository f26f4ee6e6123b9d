import { createHash } from 'node:crypto';
import type { Pool, QueryConfig } from 'pg';
import { withDeadline } from '../deadline.js';
import type { Invalidation } from '../records.js';
import type { Params } from './params.js';

/**
 * How a PostgresStore sends a statement: named after its text, so each is parsed and planned once
 * per connection (and two stores on one pool, in two schemas, never collide on a name), and bound
 * by the timeout of the server's time (deadline.ts: an answer that arrived while the event loop
 * was busy is read before the call is declared late), and beyond that by pg's client-side
 * query_timeout, on whose expiry the connection is dropped, never reused. Rows
 * come back unchecked: each part of the store reads them with rows.ts.
 */
export class PostgresQuery {
  readonly #pool: Pool;
  readonly #timeoutMs: number;

  constructor(pool: Pool, timeoutMs: number) {
    this.#pool = pool;
    this.#timeoutMs = timeoutMs;
  }

  async rows(text: string, values: readonly unknown[]): Promise<readonly unknown[]> {
    return (await this.run(text, values)).rows;
  }

  /** The first row, or undefined when there is none. */
  async row(text: string, values: readonly unknown[]): Promise<unknown> {
    return (await this.run(text, values)).rows[0];
  }

  async run(text: string, values: readonly unknown[]): Promise<Answer> {
    const config: QueryConfig & { query_timeout: number } = {
      name: `grantkit_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`,
      text,
      values: [...values],
      // pg's own timer cannot tell a slow server from a busy event loop, and drops the connection
      // when it fires: a backstop for a server that hangs, at twice the bound.
      query_timeout: 2 * this.#timeoutMs,
    };
    return withDeadline(this.#pool.query(config), this.#timeoutMs, { late: lateQuery });
  }
}

function lateQuery(ms: number): Error {
  return new Error(`grantkit: no answer from PostgreSQL within ${ms} ms`);
}

/** The two trailing parameters of every statement that notifies: channel and payload. */
export type Notify = (event: Invalidation) => [channel: string, payload: string];

/** What a statement answers: its rows, each yet to be checked, and how many rows it changed. */
export interface Answer {
  readonly rows: readonly unknown[];
  readonly rowCount: number | null;
}

/** The named values in the order of `columns`, for the `$1, $2, …` of a statement that lists them so. */
export function positional<C extends string>(params: Params<C>, columns: readonly C[]): unknown[] {
  return columns.map((c) => params[c]);
}
