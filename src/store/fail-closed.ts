import { isConnectorStore, type ConnectorRecord, type ConnectorStore, type CredentialRecord } from '../connectors/connector-records.js';
import { GrantKitError } from '../errors/error.js';
import type { Consumed, GrantFilter, GrantRecord, Resolved, TokenFilter, TokenRecord } from './records.js';
import type { MaybePromise, Store } from './store.js';

/**
 * A store that is down or slow must never let a request through, and never answer 401 as if the
 * token were bad: the answer is 503 with Retry-After, within the timeout.
 */
export function storeUnavailable(cause?: unknown): GrantKitError {
  return new GrantKitError('store_unavailable', 'The grant store is unavailable; try again shortly.', {
    headers: { 'retry-after': '1' },
    cause,
  });
}

/** A store call bounded by the timeout; any failure but a GrantKitError becomes the 503. */
export function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(storeUnavailable(new Error(`store call exceeded ${ms} ms`))), ms);
    call.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof GrantKitError ? e : storeUnavailable(e));
      },
    );
  });
}

/** An asynchronous store call under the fail-closed rule. */
function timed<T>(call: () => Promise<T>, ms: number): Promise<T> {
  try {
    return withTimeout(call(), ms);
  } catch (e) {
    return Promise.reject(e instanceof GrantKitError ? e : storeUnavailable(e));
  }
}

/**
 * The kit's view of a store: every call bounded by `storeTimeoutMs`, every failure a 503
 * `store_unavailable`. Applied once, when the kit is made, so no caller has to remember it.
 * `subscribe` (start-up, with its own error handling), `rateLimiter` (whose limiters' calls the rate
 * limits bound with the same timeout, since an over-the-limit answer is a rejection there),
 * `migrate`, `dump` and `close` pass through. A store that keeps connectors too (the memory store,
 * SQLite, PostgreSQL, Redis) keeps its connector methods here, under the same rule.
 */
export class FailClosedStore implements Store, Partial<ConnectorStore> {
  readonly #inner: Store;
  readonly #ms: number;
  readonly knows?: (hash: string) => Promise<boolean>;
  readonly subscribe?: Store['subscribe'];
  readonly rateLimiter?: Store['rateLimiter'];
  readonly migrate?: Store['migrate'];
  readonly dump?: Store['dump'];
  readonly close?: Store['close'];
  readonly getConnector?: ConnectorStore['getConnector'];
  readonly putConnector?: ConnectorStore['putConnector'];
  readonly deleteConnector?: ConnectorStore['deleteConnector'];
  readonly listConnectors?: ConnectorStore['listConnectors'];
  readonly getCredential?: ConnectorStore['getCredential'];
  readonly putCredential?: ConnectorStore['putCredential'];
  readonly deleteCredential?: ConnectorStore['deleteCredential'];
  readonly listCredentials?: ConnectorStore['listCredentials'];

  constructor(inner: Store, timeoutMs: number) {
    this.#inner = inner;
    this.#ms = timeoutMs;
    if (isConnectorStore(inner)) {
      const c = new FailClosedConnectorStore(inner, timeoutMs);
      this.getConnector = c.getConnector.bind(c);
      this.putConnector = c.putConnector.bind(c);
      this.deleteConnector = c.deleteConnector.bind(c);
      this.listConnectors = c.listConnectors.bind(c);
      this.getCredential = c.getCredential.bind(c);
      this.putCredential = c.putCredential.bind(c);
      this.deleteCredential = c.deleteCredential.bind(c);
      this.listCredentials = c.listCredentials.bind(c);
    }
    const { knows } = inner;
    if (knows !== undefined) this.knows = (hash) => timed(() => knows.call(inner, hash), timeoutMs);
    if (inner.subscribe !== undefined) this.subscribe = inner.subscribe.bind(inner);
    if (inner.rateLimiter !== undefined) this.rateLimiter = inner.rateLimiter.bind(inner);
    if (inner.migrate !== undefined) this.migrate = inner.migrate.bind(inner);
    if (inner.dump !== undefined) this.dump = inner.dump.bind(inner);
    if (inner.close !== undefined) this.close = inner.close.bind(inner);
  }

  /**
   * The per-request call: a synchronous answer (memory, SQLite) passes straight through, with no
   * timer, no promise and no closure; a synchronous throw becomes the 503 at once.
   */
  resolve(hash: string, now: number): MaybePromise<Resolved | undefined> {
    let result: MaybePromise<Resolved | undefined>;
    try {
      result = this.#inner.resolve(hash, now);
    } catch (e) {
      throw e instanceof GrantKitError ? e : storeUnavailable(e);
    }
    return result instanceof Promise ? withTimeout(result, this.#ms) : result;
  }
  getGrant(id: string): Promise<GrantRecord | undefined> {
    return timed(() => this.#inner.getGrant(id), this.#ms);
  }
  findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    return timed(() => this.#inner.findGrantByEmail(clientId, email), this.#ms);
  }
  putGrant(grant: GrantRecord): Promise<void> {
    return timed(() => this.#inner.putGrant(grant), this.#ms);
  }
  deleteGrant(id: string): Promise<boolean> {
    return timed(() => this.#inner.deleteGrant(id), this.#ms);
  }
  listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    return timed(() => this.#inner.listGrants(filter), this.#ms);
  }
  putToken(token: TokenRecord): Promise<void> {
    return timed(() => this.#inner.putToken(token), this.#ms);
  }
  consume(hash: string, now: number): Promise<Consumed | undefined> {
    return timed(() => this.#inner.consume(hash, now), this.#ms);
  }
  rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return timed(() => this.#inner.rotate(oldHash, next, now), this.#ms);
  }
  revokeToken(hash: string): Promise<TokenRecord | undefined> {
    return timed(() => this.#inner.revokeToken(hash), this.#ms);
  }
  revokeFamily(family: string, now?: number): Promise<number> {
    return timed(() => this.#inner.revokeFamily(family, now), this.#ms);
  }
  revokeGrantTokens(grantId: string): Promise<number> {
    return timed(() => this.#inner.revokeGrantTokens(grantId), this.#ms);
  }
  listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    return timed(() => this.#inner.listTokens(filter), this.#ms);
  }
}

/** The same rule for the connector store, which may be the grant store itself or another one. */
export class FailClosedConnectorStore implements ConnectorStore {
  readonly #inner: ConnectorStore;
  readonly #ms: number;

  constructor(inner: ConnectorStore, timeoutMs: number) {
    this.#inner = inner;
    this.#ms = timeoutMs;
  }

  getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    return timed(() => this.#inner.getConnector(provider, owner), this.#ms);
  }
  putConnector(connector: ConnectorRecord): Promise<void> {
    return timed(() => this.#inner.putConnector(connector), this.#ms);
  }
  deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return timed(() => this.#inner.deleteConnector(provider, owner), this.#ms);
  }
  listConnectors(): Promise<ConnectorRecord[]> {
    return timed(() => this.#inner.listConnectors(), this.#ms);
  }
  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return timed(() => this.#inner.getCredential(id), this.#ms);
  }
  putCredential(credential: CredentialRecord): Promise<void> {
    return timed(() => this.#inner.putCredential(credential), this.#ms);
  }
  deleteCredential(id: string): Promise<boolean> {
    return timed(() => this.#inner.deleteCredential(id), this.#ms);
  }
  listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return timed(() => this.#inner.listCredentials(provider, owner), this.#ms);
  }
}
