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
 * While the broadcast channel is down the cache steps aside: it serves nothing and keeps nothing,
 * so every resolution reads the store, and a revocation sent meanwhile (which the channel lost) can
 * never be served past. When the channel is subscribed again it starts empty. Only successful
 * resolutions are cached.
 *
 * A read that was in flight while something changed is not kept: every invalidation and every
 * change of the channel's state starts a new epoch, and `set` keeps a resolution only when it was
 * read in the current one. Otherwise a read that started before a revocation committed, and
 * answered after its broadcast was heard, would be cached stale for the whole TTL.
 */
export class GrantCache {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();
  #serving = true;
  /** Bumped by every invalidation and every change of the channel's state (see above). */
  #epoch = 0;
  /** Set for the rest of a loop turn after the event loop was blocked (loop-watch.ts). */
  #asideThisTurn = false;

  constructor(settings: ResolvedCache) {
    this.#ttlMs = settings.ttlMs;
    this.#max = settings.maxEntries;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Whether hits are served: false while the broadcast channel is down. */
  get serving(): boolean {
    return this.#serving;
  }

  /** The current epoch: read it before asking the store, hand it to `set` with the answer. */
  get epoch(): number {
    return this.#epoch;
  }

  get(hash: string, now: number): Resolved | undefined {
    if (!this.#serving || this.#asideThisTurn) return undefined;
    const entry = this.#entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(hash);
      return undefined;
    }
    return entry.resolved;
  }

  /** Keeps a resolution read in `epoch` (default: the current one), unless something changed since. */
  set(hash: string, resolved: Resolved, now: number, epoch = this.#epoch): void {
    if (!this.#serving || epoch !== this.#epoch) return;
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    // Never past the token's own expiry.
    const expires = resolved.token.expiresAt ?? Infinity;
    freezeResolved(resolved);
    this.#entries.set(hash, { resolved, until: Math.min(now + this.#ttlMs, expires) });
  }

  /**
   * Drops what an invalidation names. A token is dropped by hash; a family or grant drops every
   * entry of it (a scan, but revocations are rare next to reads).
   */
  invalidate(e: Invalidation): void {
    this.#epoch++;
    if (e.tokenHash !== undefined) this.#entries.delete(e.tokenHash);
    if (e.family === undefined && e.grantId === undefined) return;
    for (const [hash, { resolved }] of this.#entries) {
      if ((e.family !== undefined && resolved.token.family === e.family) || (e.grantId !== undefined && resolved.token.grantId === e.grantId)) {
        this.#entries.delete(hash);
      }
    }
  }

  /**
   * Channel status: while disconnected, serve nothing and keep nothing; once subscribed again,
   * start from empty (what was kept before may have missed a revocation).
   */
  setServing(serving: boolean): void {
    this.#serving = serving;
    this.#epoch++;
    this.#entries.clear();
  }

  /**
   * Serves nothing until the current loop turn's poll phase is over: the event loop was blocked,
   * and a broadcast that arrived meanwhile may be read after the requests beside it (loop-watch.ts).
   */
  stepAsideThisTurn(): void {
    if (this.#asideThisTurn) return;
    this.#asideThisTurn = true;
    setImmediate(() => {
      this.#asideThisTurn = false;
    });
  }

  clear(): void {
    this.#epoch++;
    this.#entries.clear();
  }
}

/**
 * What the cache keeps is handed to every request for that token until it goes: frozen, so that no
 * request can change what the next one gets, and so that the scope lists are recognised by
 * identity (grants/token-scopes.ts remembers frozen lists by identity, others by content, which
 * costs a JSON key per request).
 */
function freezeResolved(r: Resolved): void {
  Object.freeze(r.token);
  if (r.token.scopes) Object.freeze(r.token.scopes);
  if (r.grant !== null) {
    Object.freeze(r.grant);
    Object.freeze(r.grant.scopes);
    if (r.grant.identity) Object.freeze(r.grant.identity);
  }
  Object.freeze(r);
}
