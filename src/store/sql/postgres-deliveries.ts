import type { DeliveryClaim, DeliveryQueue, DeliveryRecord, QueuedDelivery } from '../deliveries.js';
import { DELIVERY_COLUMNS, readDelivery } from './delivery-rows.js';
import type { PostgresQuery } from './postgres-query.js';
import { quoteIdent } from './postgres-statements.js';

/** The statements of the queue, on the table of one schema (migration 9). */
function deliveryStatements(schema: string) {
  const D = `${quoteIdent(schema)}.grantkit_deliveries`;
  return {
    // One statement for any number of deliveries: the columns arrive as arrays.
    enqueue: `
      INSERT INTO ${D} (${DELIVERY_COLUMNS})
      SELECT id, endpoint, payload, 0, due_at, NULL, created_at
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS n(id, endpoint, payload, due_at, created_at)
      ON CONFLICT (id) DO NOTHING`,
    // SKIP LOCKED: a row another claim is taking right now is left to it, never waited for and
    // never taken twice; FOR UPDATE re-checks `due_at` on a row changed since the snapshot. The
    // rows come back in the order they were due before the claim moved `due_at` to the lease's end.
    claim: `
      WITH due AS (
        SELECT id, due_at FROM ${D}
        WHERE endpoint = ANY($1::text[]) AND due_at <= $2
        ORDER BY due_at, id
        LIMIT $5
        FOR UPDATE SKIP LOCKED),
      taken AS (
        UPDATE ${D} d SET attempts = d.attempts + 1, lease = $4, due_at = $3
        FROM due WHERE d.id = due.id
        RETURNING ${DELIVERY_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}, due.due_at AS was_due)
      SELECT ${DELIVERY_COLUMNS} FROM taken ORDER BY was_due, id`,
    remove: `DELETE FROM ${D} WHERE id = $1 AND lease = $2`,
    retry: `UPDATE ${D} SET lease = NULL, due_at = $3 WHERE id = $1 AND lease = $2`,
  };
}

/** The webhook delivery queue of a PostgresStore, shared by every instance on the schema. Each call is one statement. */
export class PostgresDeliveries implements DeliveryQueue {
  readonly #query: PostgresQuery;
  readonly #sql: ReturnType<typeof deliveryStatements>;

  constructor(query: PostgresQuery, schema: string) {
    this.#query = query;
    this.#sql = deliveryStatements(schema);
  }

  async enqueueDeliveries(deliveries: readonly QueuedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const column = <T>(pick: (d: QueuedDelivery) => T): T[] => deliveries.map(pick);
    await this.#query.run(this.#sql.enqueue, [
      column((d) => d.id),
      column((d) => d.endpoint),
      column((d) => d.payload),
      column((d) => d.dueAt),
      column((d) => d.createdAt),
    ]);
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<DeliveryRecord[]> {
    if (claim.endpoints.length === 0 || claim.limit <= 0) return [];
    const rows = await this.#query.rows(this.#sql.claim, [[...claim.endpoints], claim.now, claim.leaseUntil, claim.lease, claim.limit]);
    return rows.map(readDelivery);
  }

  async settleDelivery(id: string, lease: string, retryAt: number | null): Promise<boolean> {
    const done = retryAt === null ? await this.#query.run(this.#sql.remove, [id, lease]) : await this.#query.run(this.#sql.retry, [id, lease, retryAt]);
    return (done.rowCount ?? 0) > 0;
  }
}
