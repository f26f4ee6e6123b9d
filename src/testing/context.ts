import type { Store } from '../store/store.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../connectors/connector-records.js';

export interface StoreUnderTest {
  readonly store: Store;
  /** Drops whatever the run created (a schema, a key prefix, a file). */
  readonly cleanup: () => Promise<void>;
  /**
   * Optional: opens a second instance on the same backend, as another process of the app would
   * (for a shared store: the same database schema or key prefix). With it, the suite checks that
   * changes made through one instance reach the other's `subscribe` listeners within 1 second.
   * The suite closes it.
   */
  readonly peer?: () => Promise<Store>;
  /**
   * Optional: a fresh store opened on a backend that already holds these connectors and
   * credentials as a version without connector owners wrote them (its schema, its rows), so the
   * suite checks the upgrade: they become the app's and serve every client. Its cleanup drops it.
   */
  readonly legacy?: (rows: LegacyConnectorRows) => Promise<{ store: Store & ConnectorStore; cleanup: () => Promise<void> }>;
}

/** Connectors and credentials as they were stored before connectors had owners. */
export interface LegacyConnectorRows {
  readonly connectors: readonly Omit<ConnectorRecord, 'owner' | 'clients'>[];
  readonly credentials: readonly Omit<CredentialRecord, 'owner'>[];
}

export interface StoreContractOptions {
  /** A reason to skip the whole suite (for example, the server is not reachable), or false to run it. */
  readonly skip?: string | false;
}

/** What every part of the suite reads: the store under test, its peer, and the subject's hooks. */
export interface ContractContext {
  /** The store under test; fails the test when makeStore produced none. */
  store(): Store;
  /** A second instance on the same backend, when the subject opens one. */
  peer(): Store | undefined;
  /** What makeStore returned; fails the test when it produced nothing. */
  subject(): StoreUnderTest;
}

/** The store under test as a ConnectorStore, or a skip of the test `t` when it is not one. */
export type AsConnectorStore = (t: { skip: (reason: string) => void }) => (Store & ConnectorStore) | undefined;
