/**
 * Notices when this process's event loop has been blocked, so the grant cache can step aside for
 * the loop turn that follows.
 *
 * After a long block, the sockets hold everything that arrived meanwhile: requests, and perhaps
 * the broadcast of a revocation. The poll phase reads them in an order of its own, so a request
 * could be answered from the cache before the revocation beside it is read, although the revocation
 * reached this machine long before the request did. A ticker sees the block first: timers run at
 * the start of a loop turn, before the poll phase reads the sockets, so when it finds itself late
 * by more than `stallMs` it tells the cache to serve nothing until that turn's poll phase is over
 * (a `setImmediate` runs right after it). Those requests read the store, which is the truth; the
 * broadcast, read in the same turn, keeps the cache right for the turns after.
 *
 * A block inside a timer callback that runs after the ticker in the same turn is seen one turn
 * late; the blocks that matter (request handlers, a burst of requests) run in the poll phase.
 */

/**
 * A block longer than this makes the cache step aside for one turn. A request answered from the
 * cache before a broadcast that arrived a second earlier needs a block of more than a second
 * (any poll phase in between would have read the broadcast first), so 750 ms keeps the 1 s
 * revocation bound with room to spare, while the turns of a loaded but healthy instance (a burst
 * of pipelined requests takes tens of milliseconds) keep their cache.
 */
export const STALL_MS = 750;
const TICK_MS = 25;

export class LoopWatch {
  readonly #onStall: () => void;
  readonly #stallMs: number;
  #timer: NodeJS.Timeout | undefined;
  #last = 0;

  constructor(onStall: () => void, stallMs = STALL_MS) {
    this.#onStall = onStall;
    this.#stallMs = stallMs;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#last = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      if (now - this.#last > this.#stallMs) this.#onStall();
      this.#last = now;
    }, TICK_MS);
    // It only watches: it never keeps the process alive.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
