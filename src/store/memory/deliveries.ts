import { byDue, type DeliveryClaim, type DeliveryQueue, type DeliveryRecord, type QueuedDelivery } from '../deliveries.js';

/**
 * The webhook delivery queue in process memory: the memory store's, and the queue of a kit whose
 * store keeps none. Every call runs to its end without yielding, so a claim is atomic between the
 * kits of one process; a restart loses the queue, as it loses the rest of the memory store.
 *
 * A claim scans the queue: it holds what is waiting for a receiver, which is little unless one
 * stays down for long.
 */
export class MemoryDeliveries implements DeliveryQueue {
  readonly #queue = new Map<string, DeliveryRecord>();

  async enqueueDeliveries(deliveries: readonly QueuedDelivery[]): Promise<void> {
    for (const d of deliveries) {
      if (this.#queue.has(d.id)) continue;
      // Field by field: nothing else a caller attached to the object is kept.
      const { id, endpoint, payload, dueAt, createdAt } = d;
      this.#queue.set(id, { id, endpoint, payload, dueAt, createdAt, attempts: 0, lease: null });
    }
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<DeliveryRecord[]> {
    const endpoints = new Set(claim.endpoints);
    const due = [...this.#queue.values()]
      .filter((d) => endpoints.has(d.endpoint) && d.dueAt <= claim.now)
      .sort(byDue)
      .slice(0, Math.max(0, claim.limit));
    return due.map((d) => {
      const claimed: DeliveryRecord = { ...d, attempts: d.attempts + 1, lease: claim.lease, dueAt: claim.leaseUntil };
      this.#queue.set(d.id, claimed);
      return claimed;
    });
  }

  async settleDelivery(id: string, lease: string, retryAt: number | null): Promise<boolean> {
    const d = this.#queue.get(id);
    if (d === undefined || d.lease !== lease) return false;
    if (retryAt === null) this.#queue.delete(id);
    else this.#queue.set(id, { ...d, lease: null, dueAt: retryAt });
    return true;
  }

  /** The part of the store's dump, in the order due: only when something is queued, so an idle store keeps its old shape. */
  dump(): { deliveries?: DeliveryRecord[] } {
    return this.#queue.size > 0 ? { deliveries: [...this.#queue.values()].sort(byDue) } : {};
  }
}

