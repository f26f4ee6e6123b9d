import type { Invalidation, Resolved } from './records.js';

export interface GrantCacheOptions {
  /** How long a resolution may be served without asking the store. At most 5000 ms (the documented bound). */
  readonly ttlMs?: number;
  /** Entries kept at most; the oldest go first. */
  readonly maxEntries?: number;
}

/** The cache settings after resolution (kit/options.ts): both bounds set, the TTL at most 5000 ms. */
export type ResolvedCache = Readonly<Required<GrantCacheOptions>>;

interface Entry {
  readonly resolved: Resolved;
  readonly until: number;
}

/**
 * A per-instance cache of resolved tokens in front of a networked store, so the hot path skips the
 * round trip. Correctness rests on two bounds: the store's broadcast drops entries at once when
 * anything is revoked (under a second), and the TTL drops them anyway within `ttlMs` (≤ 5 s).
 * While the broadcast channel is down the cache serves nothing, so a revocation can never be
 * missed for longer than the TTL. Only successful resolutions are cached.
 */
export class GrantCache {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();
  #serving = true;

  constructor(settings: ResolvedCache) {
    this.#ttlMs = settings.ttlMs;
    this.#max = settings.maxEntries;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  get(hash: string, now: number): Resolved | undefined {
    if (!this.#serving) return undefined;
    const entry = this.#entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(hash);
      return undefined;
    }
    return entry.resolved;
  }

  set(hash: string, resolved: Resolved, now: number): void {
    if (!this.#serving) return;
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    // Never past the token's own expiry.
    const expires = resolved.token.expiresAt ?? Infinity;
    this.#entries.set(hash, { resolved, until: Math.min(now + this.#ttlMs, expires) });
  }

  /**
   * Drops what an invalidation names. A token is dropped by hash; a family or grant drops every
   * entry of it (a scan, but revocations are rare next to reads).
   */
  invalidate(e: Invalidation): void {
    if (e.tokenHash !== undefined) this.#entries.delete(e.tokenHash);
    if (e.family === undefined && e.grantId === undefined) return;
    for (const [hash, { resolved }] of this.#entries) {
      if ((e.family !== undefined && resolved.token.family === e.family) || (e.grantId !== undefined && resolved.token.grantId === e.grantId)) {
        this.#entries.delete(hash);
      }
    }
  }

  /** Channel status: while disconnected, serve nothing and keep nothing. */
  setServing(serving: boolean): void {
    this.#serving = serving;
    if (!serving) this.#entries.clear();
  }

  clear(): void {
    this.#entries.clear();
  }
}
