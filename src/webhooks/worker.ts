import { createHash, randomUUID } from 'node:crypto';
import type { GrantEvent } from '../events/events.js';
import { withTimeout } from '../store/fail-closed.js';
import { isDeliveryQueue, type DeliveryQueue, type DeliveryRecord, type QueuedDelivery } from '../store/deliveries.js';
import { MemoryDeliveries } from '../store/memory/deliveries.js';
import type { Store } from '../store/store.js';
import { isDelivered, postWebhook, type ResolvedWebhook } from './delivery.js';
import { eventPayload, readEventPayload } from './stored-event.js';

/** How often an instance looks for due deliveries, at most: the first retry's wait. Shorter waits poll sooner. */
const MAX_POLL_MS = 1_000;
const MIN_POLL_MS = 10;
/** Slack on top of a lease's attempt and settling, for a busy event loop. */
const LEASE_SLACK_MS = 1_000;
/** Attempts one instance runs at once. */
const MAX_IN_FLIGHT = 20;

/** An endpoint's key in the queue: a digest of its URL, so the store never holds a URL that may carry a token. */
export function endpointKey(url: string): string {
  return createHash('sha256').update(url).digest('base64url');
}

/** Where deliveries wait: in the store when it keeps the queue, otherwise in this process's memory. */
export function deliveryQueueOf(store: Store): DeliveryQueue {
  return isDeliveryQueue(store) ? store : new MemoryDeliveries();
}

export interface WebhookWorkerOptions {
  readonly endpoints: readonly ResolvedWebhook[];
  readonly queue: DeliveryQueue;
  readonly onError: (e: unknown) => void;
  /** Bound on each call to the queue, as on every other store call. */
  readonly storeTimeoutMs: number;
}

/**
 * Webhook delivery for one kit. `enqueue` (the events' outbox) writes one delivery per endpoint to
 * the queue before the request that caused the event answers; then this instance, or any other
 * sharing the store, claims what is due under a lease, POSTs it and settles it: removed once
 * delivered or given up, otherwise due again after the next wait of the schedule. A crash
 * mid-attempt leaves the lease to run out, and the delivery is made again, with the same event id:
 * delivery is at least once, and receivers dedupe on the id.
 *
 * Due times are on the wall clock, like the one timer that polls for them: the schedule is real
 * waiting, which a kit's injected clock must not stop. The timer is unref'd; `close` stops it.
 */
export class WebhookWorker {
  readonly #endpoints: ReadonlyMap<string, ResolvedWebhook>;
  readonly #keys: readonly string[];
  readonly #queue: DeliveryQueue;
  readonly #onError: (e: unknown) => void;
  readonly #ms: number;
  readonly #leaseMs: number;
  readonly #stop = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timer: NodeJS.Timeout;
  #claiming: Promise<void> | undefined;
  #claimAgain = false;
  /** The last claim took all it had room for: more may be due. */
  #backlog = false;
  /** The queue failed at the last claim; reported once per outage, not once per poll. */
  #failing = false;

  constructor(o: WebhookWorkerOptions) {
    this.#endpoints = new Map(o.endpoints.map((e) => [endpointKey(e.url), e]));
    this.#keys = [...this.#endpoints.keys()];
    this.#queue = o.queue;
    this.#onError = o.onError;
    this.#ms = o.storeTimeoutMs;
    // Counted from before the claim: long enough for the claim and the settling call (each bounded
    // by the store timeout) and the attempt (by the endpoint's), so it runs out only when its
    // holder is gone. 15 s with the defaults.
    this.#leaseMs = Math.max(...o.endpoints.map((e) => e.timeoutMs)) + 2 * o.storeTimeoutMs + LEASE_SLACK_MS;
    const firstWaits = o.endpoints.map((e) => e.retryDelaysMs[0] ?? MAX_POLL_MS);
    const pollMs = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, Math.min(...firstWaits)));
    this.#timer = setInterval(() => this.#claim(), pollMs);
    this.#timer.unref();
    // What a previous run left due goes out at start, not a poll later.
    setImmediate(() => this.#claim());
  }

  /** The outbox: queues the event for every endpoint that takes its type, then claims at once. */
  readonly enqueue = async (event: GrantEvent): Promise<void> => {
    const now = Date.now();
    const payload = eventPayload(event);
    const deliveries: QueuedDelivery[] = [...this.#endpoints]
      .filter(([, endpoint]) => endpoint.types.includes(event.type))
      .map(([endpoint]) => ({ id: `${endpoint}.${event.id}`, endpoint, payload, dueAt: now, createdAt: now }));
    if (deliveries.length === 0) return;
    await withTimeout(this.#queue.enqueueDeliveries(deliveries), this.#ms);
    this.#claim();
  };

  /** Stops polling, cuts attempts in flight short (they are due again at once), and waits for them. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#stop.abort();
    await this.#claiming;
    await Promise.all(this.#inFlight);
  }

  /** One claim at a time per instance; a call while one runs makes it run once more. */
  #claim(): void {
    if (this.#stop.signal.aborted) return;
    if (this.#claiming) {
      this.#claimAgain = true;
      return;
    }
    this.#claiming = this.#claimDue().finally(() => {
      this.#claiming = undefined;
      if (this.#claimAgain) {
        this.#claimAgain = false;
        this.#claim();
      }
    });
  }

  async #claimDue(): Promise<void> {
    const room = MAX_IN_FLIGHT - this.#inFlight.size;
    if (room <= 0) return;
    const now = Date.now();
    const claim = { endpoints: this.#keys, now, leaseUntil: now + this.#leaseMs, lease: randomUUID(), limit: room };
    let claimed: DeliveryRecord[];
    try {
      claimed = await withTimeout(this.#queue.claimDeliveries(claim), this.#ms);
      this.#failing = false;
    } catch (e) {
      if (!this.#failing) this.#onError(e);
      this.#failing = true;
      return;
    }
    this.#backlog = claimed.length === room;
    for (const d of claimed) {
      const attempt: Promise<void> = this.#attempt(d)
        .catch(this.#onError)
        .finally(() => {
          this.#inFlight.delete(attempt);
          if (this.#backlog) this.#claim();
        });
      this.#inFlight.add(attempt);
    }
  }

  async #attempt(d: DeliveryRecord): Promise<void> {
    const endpoint = this.#endpoints.get(d.endpoint);
    if (endpoint === undefined) return; // never: claims name only this kit's endpoints
    let event: GrantEvent;
    try {
      event = readEventPayload(d.payload);
    } catch (e) {
      // It cannot be sent as it stands, now or later.
      this.#onError(e);
      return this.#settle(d, null);
    }
    const status = await postWebhook(endpoint, event, d.attempts, this.#stop.signal);
    // Cut short by close(): due again at once, for another instance or the next start.
    if (status === null && this.#stop.signal.aborted) return this.#settle(d, Date.now());
    const delivered = isDelivered(status);
    const wait = delivered ? undefined : endpoint.retryDelaysMs[d.attempts - 1];
    try {
      endpoint.onAttempt?.({ eventId: event.id, url: endpoint.url, attempt: d.attempts, status, delivered, nextRetryInMs: wait ?? null });
    } catch (e) {
      this.#onError(e);
    }
    await this.#settle(d, wait === undefined ? null : Date.now() + wait);
    if (!delivered && wait === undefined) {
      this.#onError(new Error(`grantkit: webhook ${event.id} to ${withoutQuery(endpoint.url)} failed after ${d.attempts} attempts`));
    }
  }

  async #settle(d: DeliveryRecord, retryAt: number | null): Promise<void> {
    try {
      // False when the lease ran out and another claim took it: that claim settles it.
      await withTimeout(this.#queue.settleDelivery(d.id, d.lease ?? '', retryAt), this.#ms);
    } catch (e) {
      // Unsettled, the delivery is due again when its lease runs out.
      this.#onError(e);
    }
  }
}

/** An endpoint's URL for a message: no credentials, query or fragment, which may hold a token. */
function withoutQuery(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
