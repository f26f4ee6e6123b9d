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
 * before the deadline is checked. Only a call still unsettled after that is late. The check is
 * one extra callback per expired deadline; a call that settles in time costs a timer, as before.
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
 * Settles as `promise` does, or rejects when it has not settled within `ms` of the store's time:
 * the timer's expiry is checked only after the event loop has had one chance to read what
 * arrived meanwhile (see above).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, options: DeadlineOptions<T> = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let expired = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        expired = true;
        reject(options.late === undefined ? new DeadlineExceeded(ms) : options.late(ms));
      });
    }, ms);
    promise.then(
      (value) => {
        if (expired) return options.afterDeadline?.(value);
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (e: unknown) => {
        if (expired) return;
        settled = true;
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
