/**
 * A deadline that measures the time the other side takes, not the time this process's event loop
 * was busy.
 *
 * A plain `setTimeout(reject, ms)` beside a network call is judged at the start of an event loop
 * turn, in the timers phase, before the poll phase reads the sockets. When the loop was blocked
 * for longer than `ms` (a CPU-bound handler, a burst of requests), the timer fires in the same
 * turn that would have read the answer, which has been waiting in the socket buffer all along:
 * the call is declared late although the server answered in a millisecond. Under CPU saturation
 * that turned a healthy store into 503s.
 *
 * So when the timer fires, the deadline first yields once with `setImmediate`, which runs after
 * the poll phase of the same turn: an answer already received is read and settles the call
 * before the deadline is checked. Only a call still unsettled after that is late. And the time
 * the loop spent blocked while the call was out is not counted against the store (LoopLag). A call
 * that settles in time costs a timer, as before.
 */

/** How a late call is told apart from a failed one: `withDeadline` rejects with this. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  readonly ms: number;

  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.ms = ms;
  }
}

export interface DeadlineOptions<T> {
  /** What the rejection is when the call is late (default a DeadlineExceeded). */
  readonly late?: (ms: number) => unknown;
  /** Receives a value that arrives after the deadline passed, to release it (a connection, a client). */
  readonly afterDeadline?: (value: T) => void;
}

/**
 * The event loop's own blocked time, summed while any deadline is pending: a ticker that finds
 * itself late by more than its period adds the excess. A call that takes several round trips
 * (connecting, a script the server had forgotten) spans several loop turns, and a busy loop makes
 * each of them long; that time is this process's, not the store's.
 */
class LoopLag {
  static readonly TICK_MS = 20;
  #pending = 0;
  #blocked = 0;
  #last = 0;
  #timer: NodeJS.Timeout | undefined;

  /** Blocked milliseconds so far, the tick under way included. */
  total(): number {
    if (this.#timer === undefined) return this.#blocked;
    return this.#blocked + Math.max(0, performance.now() - this.#last - LoopLag.TICK_MS);
  }

  enter(): void {
    if (this.#pending++ > 0) return;
    this.#last = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#blocked += Math.max(0, now - this.#last - LoopLag.TICK_MS);
      this.#last = now;
    }, LoopLag.TICK_MS);
    this.#timer.unref();
  }

  leave(): void {
    if (--this.#pending > 0) return;
    this.#blocked = this.total();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

const lag = new LoopLag();

/**
 * Settles as `promise` does, or rejects when it has not settled within `ms` of the store's time:
 * time the event loop spent blocked does not count (up to twice `ms` of wall time in all, so a
 * store that hangs while the process is saturated is still given up on), and the expiry is checked
 * only after the loop has had one chance to read what arrived meanwhile (see above).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, options: DeadlineOptions<T> = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let expired = false;
    const started = performance.now();
    const lagAtStart = lag.total();
    lag.enter();
    const judge = (): void => {
      if (settled) return;
      expired = true;
      lag.leave();
      reject(options.late === undefined ? new DeadlineExceeded(ms) : options.late(ms));
    };
    const check = (): void => {
      const wall = performance.now() - started;
      const own = wall - (lag.total() - lagAtStart);
      if (own < ms && wall < 2 * ms) timer = setTimeout(check, Math.min(ms - own, 2 * ms - wall));
      else setImmediate(judge);
    };
    let timer = setTimeout(check, ms);
    const done = (): void => {
      settled = true;
      clearTimeout(timer);
      lag.leave();
    };
    promise.then(
      (value) => {
        if (expired) return options.afterDeadline?.(value);
        done();
        resolve(value);
      },
      (e: unknown) => {
        if (expired) return;
        done();
        reject(e);
      },
    );
  });
}
