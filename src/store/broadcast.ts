import type { Invalidation, InvalidationListener } from './records.js';
import { isJsonObject } from '../http/json-object.js';
import { withDeadline } from './deadline.js';

/**
 * The cross-instance invalidation channel of a networked store (PostgreSQL LISTEN/NOTIFY, Redis
 * pub/sub), independent of the driver. It owns one dedicated connection while anyone listens,
 * reports every loss of it to the listeners (`onStatus(false)`: caches stop serving, because
 * messages sent meanwhile are lost for good) and reconnects by itself, reporting `onStatus(true)`
 * only once it is subscribed again.
 *
 * The channel's health is the connection's own: its driver's events ('error', 'end', 'close')
 * report a loss the moment the socket does. A connection can also die silently (a hung server, a
 * dropped route): a heartbeat pings it and treats an unanswered ping as a loss, so a cache is never
 * left serving on a deaf channel for longer than `heartbeatMs + timeoutMs` (the timeout counted
 * in the server's time, at most twice it in wall time: deadline.ts). An answer that arrived while
 * this process's event loop was busy is an answer: only the server's silence counts.
 */
export interface ChannelTransport {
  /**
   * Opens a fresh connection and subscribes. Resolves once subscribed; rejects (having released
   * everything) when it cannot. After that, `onLost` is called at most once, when the connection
   * fails or ends.
   */
  open(onMessage: (payload: string) => void, onLost: () => void): Promise<ChannelConnection>;
}

export interface ChannelConnection {
  /** A round trip on the subscribed connection. */
  ping(): Promise<unknown>;
  /** Drops the connection without waiting: it may be hung. */
  close(): void;
}

/** The option of the networked stores (PostgreSQL, Redis) for the channel behind their `subscribe`. */
export interface HeartbeatOption {
  /**
   * How often the connection behind `subscribe` (PostgreSQL's LISTEN, Redis's pub/sub) is pinged,
   * so a connection that died silently is noticed (and caches stop serving) within this plus the
   * timeout. Default 1000 ms.
   */
  readonly heartbeatMs?: number;
}

export interface BroadcastOptions extends HeartbeatOption {
  /** How long connecting, subscribing and each heartbeat may take. */
  readonly timeoutMs: number;
}

const DEFAULT_HEARTBEAT_MS = 1000;

const MAX_BACKOFF_MS = 1000;

export class Broadcast {
  readonly #transport: ChannelTransport;
  readonly #options: BroadcastOptions;
  readonly #listeners = new Set<InvalidationListener>();
  #connection: ChannelConnection | undefined;
  #connecting: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  /** A heartbeat is out and has not been answered yet. */
  #pinging = false;
  /** Bumped on every open and stop, so callbacks of an abandoned connection change nothing. */
  #generation = 0;
  /** Woken on every successful (re)subscription; subscribers that arrive while down wait on it. */
  #upWaiters: Array<() => void> = [];

  constructor(transport: ChannelTransport, options: BroadcastOptions) {
    this.#transport = transport;
    this.#options = options;
  }

  get connected(): boolean {
    return this.#connection !== undefined;
  }

  /**
   * Adds a listener. Resolves once the channel is subscribed, so a cache can start serving; rejects
   * (and forgets the listener) when the channel cannot be established within the timeout.
   */
  async subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    const unsubscribe = async (): Promise<void> => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
    if (this.#connection) return unsubscribe;
    try {
      await this.#waitUp();
      return unsubscribe;
    } catch (e) {
      await unsubscribe();
      throw e;
    }
  }

  /** Closes the connection and cancels every timer; a later subscribe starts again. */
  stop(): void {
    this.#generation++;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#retry);
    this.#heartbeat = this.#retry = this.#connecting = undefined;
    this.#connection?.close();
    this.#connection = undefined;
  }

  #waitUp(): Promise<void> {
    if (this.#connecting === undefined && this.#retry === undefined) this.#connecting = this.#open();
    let wake: (() => void) | undefined;
    const up = new Promise<void>((resolve) => {
      wake = resolve;
      this.#upWaiters.push(resolve);
    });
    // Twice the timeout: one attempt may have just failed, and the next must get its full chance.
    // Judged as every store call is (deadline.ts): time this process's own loop was blocked is not
    // held against the channel.
    return withDeadline(up, 2 * this.#options.timeoutMs, {
      late: (ms) => new Error(`grantkit: the store's broadcast channel did not connect within ${ms} ms`),
    }).finally(() => {
      this.#upWaiters = this.#upWaiters.filter((w) => w !== wake);
    });
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    const stale = (): boolean => generation !== this.#generation;
    let connection: ChannelConnection;
    try {
      connection = await withDeadline(
        this.#transport.open(
          (payload) => {
            if (!stale()) this.#deliver(payload);
          },
          () => {
            if (!stale()) this.#lost();
          },
        ),
        this.#options.timeoutMs,
        { afterDeadline: (late) => late.close() },
      );
    } catch {
      if (!stale()) {
        this.#connecting = undefined;
        this.#scheduleRetry();
      }
      return;
    }
    if (stale()) {
      connection.close();
      return;
    }
    this.#connecting = undefined;
    this.#connection = connection;
    this.#failures = 0;
    this.#pinging = false;
    this.#heartbeat = setInterval(() => this.#beat(connection, generation), this.#options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.#heartbeat.unref();
    for (const l of this.#listeners) l.onStatus?.(true);
    const waiters = this.#upWaiters;
    this.#upWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * One heartbeat: a round trip on the subscribed connection, for a connection that died without
   * an event (a hung server, a dropped route; the drivers' own 'error', 'end' and 'close' events
   * report every other loss at once). Late means no reply within the timeout of the server's time:
   * the deadline reads what arrived while the event loop was busy before it judges (deadline.ts),
   * so a saturated process does not take its own delay for a dead channel. One ping at a time: a
   * beat that finds the last one still out waits for its verdict.
   */
  #beat(connection: ChannelConnection, generation: number): void {
    if (this.#pinging) return;
    this.#pinging = true;
    withDeadline(connection.ping(), this.#options.timeoutMs).then(
      () => {
        if (generation === this.#generation) this.#pinging = false;
      },
      () => {
        if (generation !== this.#generation) return;
        this.#pinging = false;
        this.#lost();
      },
    );
  }

  /** The connection failed, ended or went deaf: tell the listeners first, then reconnect. */
  #lost(): void {
    const wasUp = this.#connection !== undefined;
    this.#generation++;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    if (wasUp) for (const l of this.#listeners) l.onStatus?.(false);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#listeners.size === 0 || this.#retry !== undefined) return;
    const delay = Math.min(100 * 2 ** this.#failures++, MAX_BACKOFF_MS);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connecting = this.#open();
    }, delay);
    this.#retry.unref();
  }

  #deliver(payload: string): void {
    const event = parseInvalidation(payload);
    if (event === undefined) return;
    for (const l of this.#listeners) {
      try {
        l.onInvalidate(event);
      } catch {
        // One faulty listener must not keep the others from hearing of a revocation.
      }
    }
  }
}

/** Listeners of a store that can only broadcast inside its own process (memory, SQLite). */
export class LocalBroadcast {
  readonly #listeners = new Set<InvalidationListener>();

  async subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  send(event: Invalidation): void {
    for (const l of this.#listeners) {
      try {
        l.onInvalidate(event);
      } catch {
        // As above: every listener hears every event.
      }
    }
  }
}

/** The wire form of an invalidation: JSON with only the fields that are set. */
export function invalidationPayload(event: Invalidation): string {
  return JSON.stringify(event);
}

/** Reads a payload defensively: anyone who can publish on the channel can send anything. */
function parseInvalidation(payload: string): Invalidation | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isJsonObject(value)) return undefined;
  const fields = value;
  const pick = (k: string): string | undefined => {
    const field = fields[k];
    return typeof field === 'string' ? field : undefined;
  };
  const event: { tokenHash?: string; family?: string; grantId?: string } = {};
  const tokenHash = pick('tokenHash');
  const family = pick('family');
  const grantId = pick('grantId');
  if (tokenHash !== undefined) event.tokenHash = tokenHash;
  if (family !== undefined) event.family = family;
  if (grantId !== undefined) event.grantId = grantId;
  return Object.keys(event).length === 0 ? undefined : event;
}
