import { GrantKitError } from '../errors/error.js';
import type { CachedStore } from '../store/cached.js';

/**
 * A kit's start-up. With a cache, the kit is not ready until the cache has subscribed to the
 * store's broadcasts: before that it could serve a token another instance has revoked, so every
 * request gets 503 with `Retry-After: 1` instead (not-ready.ts). Without a cache it is ready at once.
 */
export class Readiness {
  #started: boolean;
  #unsubscribe: (() => Promise<void>) | undefined;
  readonly ready: Promise<void>;

  constructor(cached: CachedStore | undefined, onError: (e: unknown) => void) {
    if (cached === undefined) {
      this.#started = true;
      this.ready = Promise.resolve();
      return;
    }
    this.#started = false;
    this.ready = cached.attach(onError).then((unsubscribe) => {
      this.#unsubscribe = unsubscribe;
      this.#started = true;
    });
  }

  /** False until start-up work is done. */
  get started(): boolean {
    return this.#started;
  }

  /** Stops listening for broadcasts. */
  async stop(): Promise<void> {
    await this.ready;
    await this.#unsubscribe?.();
  }
}

/**
 * What a request gets while grantkit is starting: 503 with `Retry-After: 1`, at once. A request
 * that arrives before the kit is ready (its store subscription not yet attached) or before the app
 * has been built must neither wait for an unknown time nor be answered from a half-made state.
 * The code is `store_unavailable`, the same fail-closed outcome as a store that is down.
 */
export function notReady(): GrantKitError {
  return new GrantKitError('store_unavailable', 'The service is starting; try again in a moment.', { headers: { 'retry-after': '1' } });
}
