/**
 * The webhook delivery queue a store may keep: one row per event and endpoint, due at a time, and
 * claimed under a lease so that of several instances sharing the store exactly one makes each
 * attempt. The store knows nothing of webhooks: the event is opaque JSON text and the endpoint an
 * opaque key, which the kit derives from the endpoint's URL (src/webhooks/).
 *
 * Times are milliseconds on the caller's clock, passed in like every other `now` of the store.
 */

/** A delivery as it is queued: its first attempt is due at `dueAt`. */
export interface QueuedDelivery {
  /** Unique. Queuing an id that is already queued leaves the queued one as it is. */
  readonly id: string;
  /** The endpoint's key; a claim names the endpoints it serves. */
  readonly endpoint: string;
  /** The event, as JSON text, kept exactly as given. */
  readonly payload: string;
  readonly dueAt: number;
  readonly createdAt: number;
}

/** A delivery in the queue. */
export interface DeliveryRecord extends QueuedDelivery {
  /** Attempts started: 0 when queued, one more at each claim (an attempt cut short by a crash counts). */
  readonly attempts: number;
  /** While claimed, the claim's name; `dueAt` is then the lease's expiry, when it is due again. */
  readonly lease: string | null;
}

export interface DeliveryClaim {
  /** Only deliveries to these endpoints. */
  readonly endpoints: readonly string[];
  /** Deliveries with `dueAt <= now` are due. */
  readonly now: number;
  /** When the lease runs out: a delivery whose claim is never settled is due again then. */
  readonly leaseUntil: number;
  /** Names the claim: settling a delivery must name it. Unique per claim. */
  readonly lease: string;
  /** At most this many, the earliest due first. */
  readonly limit: number;
}

/**
 * The three calls of the queue. Each is one round trip, and `claimDeliveries` is atomic across
 * every instance sharing the store: two claims never take the same delivery while its lease runs.
 */
export interface DeliveryQueue {
  /** Queues deliveries, leaving any whose id is already queued untouched. */
  enqueueDeliveries(deliveries: readonly QueuedDelivery[]): Promise<void>;
  /**
   * Takes up to `limit` deliveries that are due at `now` (never claimed, waiting for a retry, or
   * whose lease has run out) and gives each to this claim: `lease` set, `attempts` one more,
   * `dueAt` the lease's expiry. Returns them as they now stand, the earliest due first.
   */
  claimDeliveries(claim: DeliveryClaim): Promise<DeliveryRecord[]>;
  /**
   * Ends a claim: with `retryAt` null the delivery is removed (delivered, or given up); otherwise
   * it waits, unclaimed, until `retryAt`. Only while `lease` still holds it: false, and nothing
   * changed, when the lease ran out and another claim took the delivery or it is gone.
   */
  settleDelivery(id: string, lease: string, retryAt: number | null): Promise<boolean>;
}

const QUEUE_METHODS = ['enqueueDeliveries', 'claimDeliveries', 'settleDelivery'] as const;

/** Whether a store keeps the delivery queue (all three calls). */
export function isDeliveryQueue(s: unknown): s is DeliveryQueue {
  if (typeof s !== 'object' || s === null) return false;
  return QUEUE_METHODS.every((method) => typeof Reflect.get(s, method) === 'function');
}

/** The order claims take due deliveries in: the earliest due first, the id breaking ties. */
export function byDue(a: DeliveryRecord, b: DeliveryRecord): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
