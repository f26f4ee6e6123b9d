import type { Database } from 'better-sqlite3';
import type { DeliveryClaim, DeliveryQueue, DeliveryRecord, QueuedDelivery } from '../deliveries.js';
import { DELIVERY_COLUMNS, readDelivery } from './delivery-rows.js';

/**
 * The webhook delivery queue's table. applySqliteSchema creates it with the rest of the schema;
 * an older file gets it when this version first opens it.
 */
export const SQLITE_DELIVERIES_SCHEMA = `
CREATE TABLE IF NOT EXISTS grantkit_deliveries (
  id         TEXT PRIMARY KEY,
  endpoint   TEXT NOT NULL,
  payload    TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  due_at     INTEGER NOT NULL,
  lease      TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS grantkit_deliveries_due ON grantkit_deliveries (endpoint, due_at);
`;

interface ClaimParams {
  readonly endpoints: string;
  readonly now: number;
  readonly leaseUntil: number;
  readonly lease: string;
  readonly limit: number;
}

/**
 * The webhook delivery queue of a SqliteStore, shared by every process using the file. A claim
 * reads the due rows and takes them in one IMMEDIATE transaction: it holds the write lock from the
 * read on, so no other process can take the same row in between.
 */
export class SqliteDeliveries implements DeliveryQueue {
  readonly #remove;
  readonly #retry;
  readonly #enqueueTx;
  readonly #claimTx;

  constructor(db: Database) {
    const insert = db.prepare<[string, string, string, number, number]>(
      `INSERT OR IGNORE INTO grantkit_deliveries (${DELIVERY_COLUMNS}) VALUES (?, ?, ?, 0, ?, NULL, ?)`,
    );
    // The endpoints arrive as one JSON array, so one prepared statement serves any number of them.
    const due = db.prepare<Omit<ClaimParams, 'leaseUntil' | 'lease'>>(
      `SELECT ${DELIVERY_COLUMNS} FROM grantkit_deliveries
       WHERE endpoint IN (SELECT value FROM json_each(@endpoints)) AND due_at <= @now
       ORDER BY due_at, id LIMIT @limit`,
    );
    const take = db.prepare<[string, number, string]>('UPDATE grantkit_deliveries SET attempts = attempts + 1, lease = ?, due_at = ? WHERE id = ?');
    this.#remove = db.prepare<[string, string]>('DELETE FROM grantkit_deliveries WHERE id = ? AND lease = ?');
    this.#retry = db.prepare<[number, string, string]>('UPDATE grantkit_deliveries SET lease = NULL, due_at = ? WHERE id = ? AND lease = ?');
    this.#enqueueTx = db.transaction((deliveries: readonly QueuedDelivery[]) => {
      for (const d of deliveries) insert.run(d.id, d.endpoint, d.payload, d.dueAt, d.createdAt);
    });
    this.#claimTx = db.transaction(({ leaseUntil, lease, ...which }: ClaimParams): DeliveryRecord[] =>
      due.all(which).map((row) => {
        const d = readDelivery(row);
        take.run(lease, leaseUntil, d.id);
        return { ...d, attempts: d.attempts + 1, lease, dueAt: leaseUntil };
      }),
    );
  }

  async enqueueDeliveries(deliveries: readonly QueuedDelivery[]): Promise<void> {
    this.#enqueueTx.immediate(deliveries);
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<DeliveryRecord[]> {
    if (claim.endpoints.length === 0 || claim.limit <= 0) return [];
    const { now, leaseUntil, lease, limit } = claim;
    return this.#claimTx.immediate({ endpoints: JSON.stringify(claim.endpoints), now, leaseUntil, lease, limit });
  }

  async settleDelivery(id: string, lease: string, retryAt: number | null): Promise<boolean> {
    const done = retryAt === null ? this.#remove.run(id, lease) : this.#retry.run(retryAt, id, lease);
    return done.changes > 0;
  }
}
