import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../connectors/connector-records.js';
import type { DeliveryClaim, DeliveryQueue, DeliveryRecord, QueuedDelivery } from './deliveries.js';
import { DelegatingStore, type GrantPart, type Resolution, type TokenPart } from './delegating-store.js';
import type { Store } from './store.js';

/** The token part of a built-in store: it also knows the tombstones of the tokens it revoked. */
export type KnowingTokenPart<R extends Resolution> = TokenPart<R> & Required<Pick<Store, 'knows'>>;

/** The parts a built-in store is made of: one per concern, each answering its share of the interfaces. */
export interface StoreParts<R extends Resolution> {
  readonly grants: GrantPart;
  readonly tokens: KnowingTokenPart<R>;
  readonly connectors: ConnectorStore;
  readonly deliveries: DeliveryQueue;
}

/**
 * What the built-in stores (memory, SQLite, PostgreSQL, Redis) have in common: Store, `knows`,
 * ConnectorStore and the webhook delivery queue, each call handed to the part that does the work. A store adds what is its own
 * (subscribe, rate limits, migrations, dump, close) and keeps the class name and options apps use.
 */
export abstract class StoreOfParts<R extends Resolution> extends DelegatingStore<R> implements ConnectorStore, DeliveryQueue {
  readonly #tokens: KnowingTokenPart<R>;
  readonly #connectors: ConnectorStore;
  readonly #deliveries: DeliveryQueue;

  protected constructor(parts: StoreParts<R>) {
    super(parts.grants, parts.tokens);
    this.#tokens = parts.tokens;
    this.#connectors = parts.connectors;
    this.#deliveries = parts.deliveries;
  }

  knows(hash: string): Promise<boolean> {
    return this.#tokens.knows(hash);
  }

  getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    return this.#connectors.getConnector(provider, owner);
  }

  putConnector(connector: ConnectorRecord): Promise<void> {
    return this.#connectors.putConnector(connector);
  }

  deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return this.#connectors.deleteConnector(provider, owner);
  }

  listConnectors(): Promise<ConnectorRecord[]> {
    return this.#connectors.listConnectors();
  }

  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#connectors.getCredential(id);
  }

  putCredential(credential: CredentialRecord): Promise<void> {
    return this.#connectors.putCredential(credential);
  }

  deleteCredential(id: string): Promise<boolean> {
    return this.#connectors.deleteCredential(id);
  }

  listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return this.#connectors.listCredentials(provider, owner);
  }

  enqueueDeliveries(deliveries: readonly QueuedDelivery[]): Promise<void> {
    return this.#deliveries.enqueueDeliveries(deliveries);
  }

  claimDeliveries(claim: DeliveryClaim): Promise<DeliveryRecord[]> {
    return this.#deliveries.claimDeliveries(claim);
  }

  settleDelivery(id: string, lease: string, retryAt: number | null): Promise<boolean> {
    return this.#deliveries.settleDelivery(id, lease, retryAt);
  }
}
