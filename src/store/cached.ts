import type { GrantCache } from './cache.js';
import type {
  Consumed,
  GrantFilter,
  GrantRecord,
  InvalidationListener,
  Resolved,
  TokenFilter,
  TokenRecord,
} from './records.js';
import type { MaybePromise, Store } from './store.js';

/**
 * A store with the grant cache in front of `resolve`. Every change made through this instance
 * drops the affected entries here at once; changes made elsewhere arrive through the inner
 * store's broadcast (see `attach`) or expire with the TTL.
 */
export class CachedStore implements Store {
  readonly #inner: Store;
  readonly #cache: GrantCache;
  /** Tombstones and rate-limit counters live where the inner store keeps its data: asked there. */
  readonly knows?: Store['knows'];
  readonly rateLimiter?: Store['rateLimiter'];

  constructor(inner: Store, cache: GrantCache) {
    this.#inner = inner;
    this.#cache = cache;
    if (inner.knows !== undefined) this.knows = inner.knows.bind(inner);
    if (inner.rateLimiter !== undefined) this.rateLimiter = inner.rateLimiter.bind(inner);
  }

  /** Subscribes the cache to the inner store's broadcast, when it has one. Until then the cache serves nothing. */
  async attach(onError: (e: unknown) => void): Promise<(() => Promise<void>) | undefined> {
    if (!this.#inner.subscribe) return undefined;
    this.#cache.setServing(false);
    const listener: InvalidationListener = {
      onInvalidate: (e) => this.#cache.invalidate(e),
      onStatus: (connected) => this.#cache.setServing(connected),
    };
    try {
      const unsubscribe = await this.#inner.subscribe(listener);
      this.#cache.setServing(true);
      return unsubscribe;
    } catch (e) {
      onError(e);
      return undefined;
    }
  }

  resolve(hash: string, now: number): MaybePromise<Resolved | undefined> {
    const hit = this.#cache.get(hash, now);
    if (hit !== undefined) return hit;
    const fresh = this.#inner.resolve(hash, now);
    if (fresh instanceof Promise) return fresh.then((r) => this.#keep(hash, r, now));
    return this.#keep(hash, fresh, now);
  }

  #keep(hash: string, r: Resolved | undefined, now: number): Resolved | undefined {
    if (r !== undefined) this.#cache.set(hash, r, now);
    return r;
  }

  getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.#inner.getGrant(id);
  }
  findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    return this.#inner.findGrantByEmail(clientId, email);
  }
  async putGrant(grant: GrantRecord): Promise<void> {
    await this.#inner.putGrant(grant);
    this.#cache.invalidate({ grantId: grant.id });
  }
  async deleteGrant(id: string): Promise<boolean> {
    const done = await this.#inner.deleteGrant(id);
    this.#cache.invalidate({ grantId: id });
    return done;
  }
  listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    return this.#inner.listGrants(filter);
  }
  putToken(token: TokenRecord): Promise<void> {
    return this.#inner.putToken(token);
  }
  consume(hash: string, now: number): Promise<Consumed | undefined> {
    return this.#inner.consume(hash, now);
  }
  rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return this.#inner.rotate(oldHash, next, now);
  }
  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const gone = await this.#inner.revokeToken(hash);
    this.#cache.invalidate({ tokenHash: hash });
    return gone;
  }
  async revokeFamily(family: string, now?: number): Promise<number> {
    const n = await this.#inner.revokeFamily(family, now);
    this.#cache.invalidate({ family });
    return n;
  }
  async revokeGrantTokens(grantId: string): Promise<number> {
    const n = await this.#inner.revokeGrantTokens(grantId);
    this.#cache.invalidate({ grantId });
    return n;
  }
  listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    return this.#inner.listTokens(filter);
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
