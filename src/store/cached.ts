import type { GrantCache } from './cache.js';
import { DelegatingStore } from './delegating-store.js';
import { LoopWatch } from './loop-watch.js';
import type { GrantRecord, InvalidationListener, Resolved, TokenRecord } from './records.js';
import type { MaybePromise, Store } from './store.js';

/** A store read that is out, and what it was read under. */
interface InFlight {
  readonly answer: Promise<Resolved | undefined>;
  readonly epoch: number;
  readonly started: number;
}

/** How recent a read must be for a request to share it. */
const JOIN_MS = 250;

/** A shared answer as the store would give it at `now`: a token expired since is no answer. */
function unexpired(r: Resolved | undefined, now: number): Resolved | undefined {
  return r !== undefined && r.token.expiresAt !== null && r.token.expiresAt <= now ? undefined : r;
}

/** The invalidation channel's state, as `kit.health()` reports it. */
export type ChannelState = 'subscribed' | 'down' | 'none';

/**
 * A store with the grant cache in front of `resolve`. Every change made through this instance
 * drops the affected entries here at once; changes made elsewhere arrive through the inner
 * store's broadcast (see `attach`) or expire with the TTL. What the cache has no part in goes
 * straight to the inner store (delegating-store.ts).
 */
export class CachedStore extends DelegatingStore<MaybePromise<Resolved | undefined>> {
  readonly #inner: Store;
  readonly #cache: GrantCache;
  /** Tombstones and rate-limit counters live where the inner store keeps its data: asked there. */
  readonly knows?: Store['knows'];
  readonly rateLimiter?: Store['rateLimiter'];
  /** Whether the channel behind `attach` is subscribed now. */
  #subscribed = false;
  /** Store reads of a token that are out now, which requests for the same token may share. */
  readonly #inFlight = new Map<string, InFlight>();
  /** While subscribed to a broadcast: makes the cache step aside for the turn after the event loop was blocked. */
  readonly #watch: LoopWatch;

  constructor(inner: Store, cache: GrantCache) {
    super(inner, inner);
    this.#inner = inner;
    this.#cache = cache;
    this.#watch = new LoopWatch(() => cache.stepAsideThisTurn());
    if (inner.knows !== undefined) this.knows = inner.knows.bind(inner);
    if (inner.rateLimiter !== undefined) this.rateLimiter = inner.rateLimiter.bind(inner);
  }

  /** Subscribes the cache to the inner store's broadcast, when it has one. Until then the cache serves nothing. */
  async attach(onError: (e: unknown) => void): Promise<(() => Promise<void>) | undefined> {
    if (!this.#inner.subscribe) return undefined;
    this.#cache.setServing(false);
    const listener: InvalidationListener = {
      onInvalidate: (e) => this.#cache.invalidate(e),
      onStatus: (connected) => this.#status(connected),
    };
    try {
      const unsubscribe = await this.#inner.subscribe(listener);
      this.#status(true);
      this.#watch.start();
      return async () => {
        this.#watch.stop();
        await unsubscribe();
        this.#status(false);
      };
    } catch (e) {
      onError(e);
      return undefined;
    }
  }

  #status(subscribed: boolean): void {
    if (subscribed === this.#subscribed && subscribed === this.#cache.serving) return;
    this.#subscribed = subscribed;
    this.#cache.setServing(subscribed);
  }

  override resolve(hash: string, now: number): MaybePromise<Resolved | undefined> {
    const hit = this.#cache.get(hash, now);
    if (hit !== undefined) return hit;
    // Read before asking: an answer is kept only if nothing changed while it was in flight.
    const epoch = this.#cache.epoch;
    const flying = this.#inFlight.get(hash);
    if (flying !== undefined && this.#mayJoin(flying, epoch)) return flying.answer.then((r) => unexpired(r, now));
    const fresh = this.#inner.resolve(hash, now);
    if (!(fresh instanceof Promise)) return this.#keep(hash, fresh, now, epoch);
    const read: InFlight = { answer: fresh.then((r) => this.#keep(hash, r, now, epoch)), epoch, started: performance.now() };
    this.#inFlight.set(hash, read);
    const done = (): void => {
      if (this.#inFlight.get(hash) === read) this.#inFlight.delete(hash);
    };
    read.answer.then(done, done);
    return read.answer;
  }

  /**
   * Whether a request may share a read of the same token that is already out, rather than send
   * another: when the cache steps aside after a blocked loop, a burst of requests for one token
   * would otherwise each queue a store call. Only a read started in this epoch (no invalidation
   * heard since), recently, while the channel is up: it cannot predate a revocation the request
   * must see by more than JOIN_MS.
   */
  #mayJoin(read: InFlight, epoch: number): boolean {
    return read.epoch === epoch && this.#cache.serving && performance.now() - read.started < JOIN_MS;
  }

  #keep(hash: string, r: Resolved | undefined, now: number, epoch: number): Resolved | undefined {
    if (r !== undefined) this.#cache.set(hash, r, now, epoch);
    return r;
  }

  /**
   * The invalidation channel as the cache sees it: `none` when the store has no broadcast (the
   * TTL alone bounds staleness), `subscribed` while it listens, `down` before it first subscribed
   * and while it is reconnecting.
   */
  get channel(): ChannelState {
    if (!this.#inner.subscribe) return 'none';
    return this.#subscribed ? 'subscribed' : 'down';
  }

  /** Whether cache hits are served now (false while the channel is down: every read goes to the store). */
  get serving(): boolean {
    return this.#cache.serving;
  }

  override async putGrant(grant: GrantRecord): Promise<void> {
    await this.#inner.putGrant(grant);
    this.#cache.invalidate({ grantId: grant.id });
  }
  override async deleteGrant(id: string): Promise<boolean> {
    const done = await this.#inner.deleteGrant(id);
    this.#cache.invalidate({ grantId: id });
    return done;
  }
  override async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const gone = await this.#inner.revokeToken(hash);
    this.#cache.invalidate({ tokenHash: hash });
    return gone;
  }
  override async revokeFamily(family: string, now?: number): Promise<number> {
    const n = await this.#inner.revokeFamily(family, now);
    this.#cache.invalidate({ family });
    return n;
  }
  override async revokeGrantTokens(grantId: string): Promise<number> {
    const n = await this.#inner.revokeGrantTokens(grantId);
    this.#cache.invalidate({ grantId });
    return n;
  }
  migrate(): Promise<unknown> {
    return this.#inner.migrate?.() ?? Promise.resolve([]);
  }
  dump(): unknown {
    return this.#inner.dump?.();
  }
  close(): Promise<void> {
    return this.#inner.close?.() ?? Promise.resolve();
  }
}
