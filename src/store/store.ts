import type { RateLimiterBackend, RateLimiterSpec } from '../limits/backends.js';
import type { DeliveryQueue } from './deliveries.js';
import type { Consumed, InvalidationListener, GrantFilter, GrantRecord, Resolved, TokenFilter, TokenRecord } from './records.js';

export type MaybePromise<T> = T | Promise<T>;

/**
 * Where grants and tokens live. Small on purpose: every method is one round trip on a networked
 * store, and the ones that must be atomic say so. The core passes `now` to everything that
 * depends on time, so expiry follows the injected clock on every store; a server-side TTL
 * may only collect garbage after the logical expiry.
 *
 * Implementations: MemoryStore (default), and SQLite, PostgreSQL and Redis under grantkit/stores/*.
 */
export interface Store {
  getGrant(id: string): Promise<GrantRecord | undefined>;
  /** One grant per (client, email); the email compares case-insensitively. */
  findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined>;
  /** Insert or replace by id. */
  putGrant(grant: GrantRecord): Promise<void>;
  /**
   * Deletes the grant and every token issued from it, keeping a tombstone of its access tokens
   * (revoked-family.ts, REVOKED_TOKEN_RETENTION_MS).
   */
  deleteGrant(id: string): Promise<boolean>;
  listGrants(filter: GrantFilter): Promise<GrantRecord[]>;

  /**
   * Insert or replace by hash. A token whose family was revoked is not stored: see
   * revoked-family.ts. Atomic against a concurrent `revokeFamily`.
   */
  putToken(token: TokenRecord): Promise<void>;
  /**
   * The hot path: an access token or API key and its grant, in one round trip. Undefined when
   * unknown, revoked, or expired at `now`. May answer synchronously (the memory store does).
   */
  resolve(hash: string, now: number): MaybePromise<Resolved | undefined>;
  /**
   * Atomically marks a code or flow state consumed. Undefined when unknown or expired at `now`;
   * `firstUse: false` when it was consumed before. Of N concurrent calls, one gets `firstUse: true`.
   */
  consume(hash: string, now: number): Promise<Consumed | undefined>;
  /**
   * Refresh rotation as a compare-and-swap: consumes `oldHash` and stores `next` in one step.
   * Undefined when unknown or expired; `firstUse: false` (and nothing stored) on a replay.
   * `next` is not stored either when its family was revoked, as for putToken.
   */
  rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined>;
  /**
   * Removes one token; returns it if it existed. An access token or API key leaves a tombstone
   * (its hash) in the same atomic step, so `knows` still answers true for it.
   */
  revokeToken(hash: string): Promise<TokenRecord | undefined>;
  /**
   * Removes every token of the family and remembers the family as revoked, so that no token of
   * it is stored or resolves afterwards, even one written by a redemption that was still running
   * (revoked-family.ts). `now` (default: the wall clock) dates the marker for garbage collection.
   * The access tokens removed leave tombstones, as for revokeToken. Returns how many tokens were
   * removed.
   */
  revokeFamily(family: string, now?: number): Promise<number>;
  /** Removes every token of the grant, keeping the grant; its access tokens leave tombstones. */
  revokeGrantTokens(grantId: string): Promise<number>;
  listTokens(filter: TokenFilter): Promise<TokenRecord[]>;

  /**
   * Delivers every revocation and grant change, from any instance, to the listener. Stores shared
   * between instances implement it so per-instance caches learn of a revocation at once; the
   * returned function unsubscribes.
   */
  subscribe?(listener: InvalidationListener): Promise<() => Promise<void>>;
  /**
   * The counters of one rate limit, kept where this store keeps its data so that every instance
   * sharing the store shares them: any rate-limiter-flexible limiter built from `spec`. The
   * built-in stores implement it (SQLite in its file, PostgreSQL in the table `grantkit migrate`
   * creates, Redis under the store's prefix). A store without it gets per-process memory counters,
   * which each instance of the app keeps on its own.
   */
  rateLimiter?(spec: RateLimiterSpec): RateLimiterBackend;
  /**
   * Whether the store knows this hash as a token it issued: it still holds it (live or expired), or
   * it revoked it as an access token or API key within REVOKED_TOKEN_RETENTION_MS (its tombstone,
   * revoked-family.ts). Asked only after `resolve` found nothing, so a token the store knows as
   * expired or revoked is not counted as a guess by the rate limits; without it, every token
   * `resolve` does not return counts. One round trip; never on the path of a valid token.
   */
  knows?(hash: string): Promise<boolean>;
  /**
   * The webhook delivery queue (deliveries.ts), so that pending deliveries and their retries
   * outlive a restart and every instance sharing the store delivers what is due, each attempt once.
   * The built-in stores implement all three; a store without them gets a queue in process memory,
   * which a restart loses.
   */
  enqueueDeliveries?: DeliveryQueue['enqueueDeliveries'];
  claimDeliveries?: DeliveryQueue['claimDeliveries'];
  settleDelivery?: DeliveryQueue['settleDelivery'];
  /** Applies schema migrations (SQL stores); the CLI's `migrate` calls it. */
  migrate?(): Promise<unknown>;
  /** Everything held, as plain data, for tests and audits that search it for plaintext secrets. */
  dump?(): unknown;
  /** Releases connections. */
  close?(): Promise<void>;
}
