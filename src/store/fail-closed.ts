import { isConnectorStore, type ConnectorRecord, type ConnectorStore, type CredentialRecord } from '../connectors/connector-records.js';
import { GrantKitError } from '../errors/error.js';
import { withDeadline } from './deadline.js';
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

/** The cause of a 503 for a call that took longer than the store timeout. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
}

/**
 * A store call bounded by the timeout; any failure but a GrantKitError becomes the 503. The
 * timeout is the store's time, not this process's: a reply that reached the socket while the event
 * loop was busy is read before the call is declared late (deadline.ts).
 */
export function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
  return withDeadline(call, ms, { late: lateCall }).catch((e: unknown) => {
    throw e instanceof GrantKitError ? e : storeUnavailable(e);
  });
}

function lateCall(ms: number): GrantKitError {
  return storeUnavailable(new StoreTimeoutError(`store call exceeded ${ms} ms`));
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
 * Who watches a store's calls: telemetry (a span and a duration per call, while an SDK records
 * them) and the audit trail and logger (the moment the store goes down, and comes back).
 */
export interface StoreObserver {
  /** Whether calls are timed and traced: read on every call, since the SDK is found after start-up. */
  readonly timing: boolean;
  /** Whether outages and recoveries are reported. */
  readonly health: boolean;
  /** Runs one call in a span, recording its duration. */
  traced<T>(operation: string, call: () => T): T;
  outage(operation: string, cause: 'timeout' | 'error'): void;
  recovered(operation: string, downMs: number): void;
}

/**
 * One store's calls under the fail-closed rule, and what is observed of them. With no observer,
 * or one that neither traces nor reports health, a call costs what it did before there were
 * observers: no span, no promise chained on, no clock read.
 */
class StoreCalls {
  readonly #ms: number;
  readonly #observer: StoreObserver | undefined;
  /** When the store went down (wall clock ms), while it is down. */
  #downSince: number | undefined;

  constructor(ms: number, observer: StoreObserver | undefined) {
    this.#ms = ms;
    this.#observer = observer;
  }

  get timing(): boolean {
    return this.#observer !== undefined && this.#observer.timing;
  }

  /** An asynchronous call, bounded by the timeout. */
  run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const o = this.#observer;
    if (o === undefined || (!o.timing && !o.health)) return timed(call, this.#ms);
    const watched = (): Promise<T> => this.#watch(operation, timed(call, this.#ms));
    return o.timing ? o.traced(operation, watched) : watched();
  }

  /** A call that may answer synchronously, timed and in its span (only asked while timing). */
  traced<T>(operation: string, call: () => T): T {
    return this.#observer!.traced(operation, call);
  }

  /** A promise the store answered with, bounded by the timeout. */
  bound<T>(operation: string, answer: Promise<T>): Promise<T> {
    const bounded = withTimeout(answer, this.#ms);
    return this.#observer?.health === true ? this.#watch(operation, bounded) : bounded;
  }

  /** A synchronous failure, as the error to throw. */
  failed(operation: string, e: unknown): GrantKitError {
    const err = e instanceof GrantKitError ? e : storeUnavailable(e);
    this.#down(operation, err);
    return err;
  }

  /** A synchronous answer: the store is up. One field read while it was up already. */
  answered(operation: string): void {
    if (this.#downSince !== undefined) this.#up(operation);
  }

  #watch<T>(operation: string, call: Promise<T>): Promise<T> {
    return call.then(
      (value) => {
        this.answered(operation);
        return value;
      },
      (e: unknown) => {
        this.#down(operation, e);
        throw e;
      },
    );
  }

  #down(operation: string, e: unknown): void {
    const o = this.#observer;
    if (o === undefined || !o.health || this.#downSince !== undefined) return;
    if (!(e instanceof GrantKitError) || e.code !== 'store_unavailable') return;
    this.#downSince = Date.now();
    o.outage(operation, e.cause instanceof StoreTimeoutError ? 'timeout' : 'error');
  }

  #up(operation: string): void {
    const since = this.#downSince ?? Date.now();
    this.#downSince = undefined;
    this.#observer?.recovered(operation, Date.now() - since);
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
  readonly #calls: StoreCalls;
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

  /** `observers`: of the grant store, and of the connector methods when the store keeps connectors. */
  constructor(inner: Store, timeoutMs: number, observers: { grants?: StoreObserver; connectors?: StoreObserver } = {}) {
    this.#inner = inner;
    this.#calls = new StoreCalls(timeoutMs, observers.grants);
    if (isConnectorStore(inner)) {
      const c = new FailClosedConnectorStore(inner, timeoutMs, observers.connectors);
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
    if (knows !== undefined) this.knows = (hash) => this.#calls.run('knows', () => knows.call(inner, hash));
    if (inner.subscribe !== undefined) this.subscribe = inner.subscribe.bind(inner);
    if (inner.rateLimiter !== undefined) this.rateLimiter = inner.rateLimiter.bind(inner);
    if (inner.migrate !== undefined) this.migrate = inner.migrate.bind(inner);
    if (inner.dump !== undefined) this.dump = inner.dump.bind(inner);
    if (inner.close !== undefined) this.close = inner.close.bind(inner);
  }

  /**
   * The per-request call: a synchronous answer (memory, SQLite) passes straight through, with no
   * timer, no promise and no closure (unless an SDK is timing store calls); a synchronous throw
   * becomes the 503 at once.
   */
  resolve(hash: string, now: number): MaybePromise<Resolved | undefined> {
    if (this.#calls.timing) return this.#calls.traced('resolve', () => this.#resolve(hash, now));
    return this.#resolve(hash, now);
  }
  #resolve(hash: string, now: number): MaybePromise<Resolved | undefined> {
    let result: MaybePromise<Resolved | undefined>;
    try {
      result = this.#inner.resolve(hash, now);
    } catch (e) {
      throw this.#calls.failed('resolve', e);
    }
    if (result instanceof Promise) return this.#calls.bound('resolve', result);
    this.#calls.answered('resolve');
    return result;
  }
  getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.#calls.run('getGrant', () => this.#inner.getGrant(id));
  }
  findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    return this.#calls.run('findGrantByEmail', () => this.#inner.findGrantByEmail(clientId, email));
  }
  putGrant(grant: GrantRecord): Promise<void> {
    return this.#calls.run('putGrant', () => this.#inner.putGrant(grant));
  }
  deleteGrant(id: string): Promise<boolean> {
    return this.#calls.run('deleteGrant', () => this.#inner.deleteGrant(id));
  }
  listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    return this.#calls.run('listGrants', () => this.#inner.listGrants(filter));
  }
  putToken(token: TokenRecord): Promise<void> {
    return this.#calls.run('putToken', () => this.#inner.putToken(token));
  }
  consume(hash: string, now: number): Promise<Consumed | undefined> {
    return this.#calls.run('consume', () => this.#inner.consume(hash, now));
  }
  rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return this.#calls.run('rotate', () => this.#inner.rotate(oldHash, next, now));
  }
  revokeToken(hash: string): Promise<TokenRecord | undefined> {
    return this.#calls.run('revokeToken', () => this.#inner.revokeToken(hash));
  }
  revokeFamily(family: string, now?: number): Promise<number> {
    return this.#calls.run('revokeFamily', () => this.#inner.revokeFamily(family, now));
  }
  revokeGrantTokens(grantId: string): Promise<number> {
    return this.#calls.run('revokeGrantTokens', () => this.#inner.revokeGrantTokens(grantId));
  }
  listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    return this.#calls.run('listTokens', () => this.#inner.listTokens(filter));
  }
}

/** The same rule for the connector store, which may be the grant store itself or another one. */
export class FailClosedConnectorStore implements ConnectorStore {
  readonly #inner: ConnectorStore;
  readonly #calls: StoreCalls;

  constructor(inner: ConnectorStore, timeoutMs: number, observer?: StoreObserver) {
    this.#inner = inner;
    this.#calls = new StoreCalls(timeoutMs, observer);
  }

  getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    return this.#calls.run('getConnector', () => this.#inner.getConnector(provider, owner));
  }
  putConnector(connector: ConnectorRecord): Promise<void> {
    return this.#calls.run('putConnector', () => this.#inner.putConnector(connector));
  }
  deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return this.#calls.run('deleteConnector', () => this.#inner.deleteConnector(provider, owner));
  }
  listConnectors(): Promise<ConnectorRecord[]> {
    return this.#calls.run('listConnectors', () => this.#inner.listConnectors());
  }
  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#calls.run('getCredential', () => this.#inner.getCredential(id));
  }
  putCredential(credential: CredentialRecord): Promise<void> {
    return this.#calls.run('putCredential', () => this.#inner.putCredential(credential));
  }
  deleteCredential(id: string): Promise<boolean> {
    return this.#calls.run('deleteCredential', () => this.#inner.deleteCredential(id));
  }
  listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return this.#calls.run('listCredentials', () => this.#inner.listCredentials(provider, owner));
  }
}
