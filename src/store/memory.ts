import type { Invalidation, InvalidationListener, Resolved } from './records.js';
import type { MaybePromise } from './store.js';
import { StoreOfParts } from './store-of-parts.js';
import { MemoryConnectors } from './memory/connectors.js';
import { MemoryDeliveries } from './memory/deliveries.js';
import { GrantSlots } from './memory/grant-slots.js';
import { MemoryGrants } from './memory/grants.js';
import { MemoryTokens } from './memory/tokens.js';

/**
 * The default store: Maps in this process. Fast (resolve answers synchronously), but it forgets
 * everything on restart and cannot be shared between instances: use SQLite for one machine and
 * PostgreSQL or Redis for many.
 *
 * The work is done by one part per concern (memory/grants.ts, memory/tokens.ts,
 * memory/connectors.ts, memory/deliveries.ts); StoreOfParts hands each call to its part. `resolve` is typed as the
 * interface's MaybePromise, so subclasses may go async.
 */
export class MemoryStore extends StoreOfParts<MaybePromise<Resolved | undefined>> {
  readonly #listeners: Set<InvalidationListener>;
  readonly #slots: GrantSlots;
  readonly #tokens: MemoryTokens;
  readonly #connectors: MemoryConnectors;
  readonly #deliveries: MemoryDeliveries;

  constructor() {
    const listeners = new Set<InvalidationListener>();
    // In-process broadcast: several kits sharing one MemoryStore keep their caches right.
    const send = (event: Invalidation): void => {
      for (const l of listeners) l.onInvalidate(event);
    };
    const slots = new GrantSlots();
    const tokens = new MemoryTokens(slots, send);
    const connectors = new MemoryConnectors();
    const deliveries = new MemoryDeliveries();
    super({ grants: new MemoryGrants(slots, tokens, send), tokens, connectors, deliveries });
    this.#listeners = listeners;
    this.#slots = slots;
    this.#tokens = tokens;
    this.#connectors = connectors;
    this.#deliveries = deliveries;
  }

  /** Hears every change made through this store object, by any kit sharing it. */
  async subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  /** Everything held, as plain data: tests search it for plaintext secrets. */
  dump(): unknown {
    return { grants: this.#slots.records(), ...this.#tokens.dump(), ...this.#connectors.dump(), ...this.#deliveries.dump() };
  }
}
