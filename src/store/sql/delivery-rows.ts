import * as z from 'zod';
import type { DeliveryRecord } from '../deliveries.js';
import { parseStored } from '../stored.js';

/**
 * The delivery queue's table, as both SQL stores keep it (SQLite in sqlite-deliveries.ts,
 * PostgreSQL in migration 9), and its rows read back into records, checked like every other row.
 * Times are milliseconds; pg hands BIGINT back as a string, SQLite INTEGER as a number.
 */
export const DELIVERY_COLUMNS = 'id, endpoint, payload, attempts, due_at, lease, created_at';

const sqlTime = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);

const deliveryRow = z.object({
  id: z.string(),
  endpoint: z.string(),
  payload: z.string(),
  attempts: z.number().int().nonnegative(),
  due_at: sqlTime,
  lease: z.string().nullable(),
  created_at: sqlTime,
});

export function readDelivery(row: unknown): DeliveryRecord {
  const r = parseStored(deliveryRow, row, 'webhook delivery');
  return { id: r.id, endpoint: r.endpoint, payload: r.payload, attempts: r.attempts, dueAt: r.due_at, lease: r.lease, createdAt: r.created_at };
}
