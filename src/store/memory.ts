import type { Invalidation, InvalidationListener, Resolved } from './records.js';
import type { MaybePromise } from './store.js';
import { StoreOfParts } from './store-of-parts.js';
import { MemoryConnectors } from './memory/connectors.js';
import { MemoryDeliveries } from './memory/deliveries.js';
import { GrantRows } from './memory/grant-slots.js';
import { MemoryGrants } from './memory/grants.js';
import { ScopeLists, StringTable } from './memory/interned.js';
import { TokenRows } from './memory/token-rows.js';
import { MemoryTokens } from './memory/tokens.js';

/**
 * The default store: in this process. Fast (resolve answers synchronously), but it forgets
 * everything on restart and cannot be shared between instances: use SQLite for one machine and
 * PostgreSQL or Redis for many.
 *
 * Grants and tokens are kept compactly, so a million of them fit in a few hundred megabytes and a
 * resolution costs about the same at a million as at a thousand: rows in typed arrays
 * (memory/grant-slots.ts, memory/token-rows.ts), token hashes as 32-byte keys in an open-addressing
 * table (memory/hash-keys.ts), client ids, providers and scope lists shared (memory/interned.ts).
 * Every read builds fresh plain records.
 *
 * The work is done by one part per concern (memory/grants.ts, memory/tokens.ts,
 * memory/connectors.ts, memory/deliveries.ts); StoreOfParts hands each call to its part. `resolve` is typed as the
 * interface's MaybePromise, so subclasses may go async.
 */
export class MemoryStore extends StoreOfParts<MaybePromise<Resolved | undefined>> {
  readonly #listeners: Set<InvalidationListener>;
  readonly #grantRows: GrantRows;
  readonly #tokens: MemoryTokens;
  readonly #connectors: MemoryConnectors;
  readonly #deliveries: MemoryDeliveries;

  constructor() {
    const listeners = new Set<InvalidationListener>();
    // In-process broadcast: several kits sharing one MemoryStore keep their caches right.
    const send = (event: Invalidation): void => {
      for (const l of listeners) l.onInvalidate(event);
    };
    const clients = new StringTable();
    const scopes = new ScopeLists();
    const grantRows = new GrantRows(clients, new StringTable(), scopes);
    const tokens = new MemoryTokens(grantRows, new TokenRows(grantRows, clients, scopes), clients, send);
    const connectors = new MemoryConnectors();
    const deliveries = new MemoryDeliveries();
    super({ grants: new MemoryGrants(grantRows, tokens, send), tokens, connectors, deliveries });
    this.#listeners = listeners;
    this.#grantRows = grantRows;
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
    return { grants: this.#grantRows.records(), ...this.#tokens.dump(), ...this.#connectors.dump(), ...this.#deliveries.dump() };
  }
}
