import { Redis } from 'ioredis';
import { withDeadline } from '../deadline.js';
import type { Script } from './scripts.js';

export type Arg = string | number;

/**
 * The Redis client of a RedisStore and the two things every call does with it: wait, boundedly,
 * for the connection to be ready, and run a Lua script by its SHA. Keys are named under `prefix`.
 */
export class RedisConnection {
  readonly redis: Redis;
  readonly prefix: string;
  readonly #timeoutMs: number;
  #readyWaiter: Promise<void> | undefined;

  constructor(redis: Redis, prefix: string, timeoutMs: number) {
    this.redis = redis;
    this.prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  /** The full name of a key of the store's layout (see store.ts). */
  key(name: string): string {
    return this.prefix + name;
  }

  /**
   * Runs a script with the prefix as ARGV[1], loading it again when Redis has forgotten it. Bound
   * by `timeoutMs` of Redis's time: an answer that arrived while the event loop was busy is read
   * before the call is declared late (deadline.ts).
   */
  async run(script: Script, args: readonly Arg[]): Promise<unknown> {
    await this.ready();
    const argv = [this.prefix, ...args];
    try {
      return await withDeadline(this.redis.evalsha(script.sha, 0, ...argv), this.#timeoutMs, { late: lateCommand });
    } catch (err) {
      // Only the first call after a start or restart of Redis pays the second round trip.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await withDeadline(this.redis.eval(script.lua, 0, ...argv), this.#timeoutMs, { late: lateCommand });
    }
  }

  /** Waits, boundedly, for a connection that is being (re)established; rejects when there is none. */
  async ready(): Promise<void> {
    const redis = this.redis;
    if (redis.status === 'ready') return;
    if (redis.status === 'end') throw new Error('grantkit: the Redis connection is closed');
    if (redis.status === 'wait') redis.connect().catch(() => {});
    // One listener shared by every waiting call, however many arrive during an outage.
    this.#readyWaiter ??= new Promise<void>((resolve) => {
      redis.once('ready', () => {
        this.#readyWaiter = undefined;
        resolve();
      });
    });
    await withDeadline(this.#readyWaiter, this.#timeoutMs, {
      late: (ms) => new Error(`grantkit: Redis not ready within ${ms} ms (${redis.status})`),
    });
  }
}

function lateCommand(ms: number): Error {
  return new Error(`grantkit: no answer from Redis within ${ms} ms`);
}

/**
 * A client of the store's own. It fails closed: it never queues commands while Redis is away and
 * reconnects by itself; each call waits at most `timeoutMs` for the connection and then rejects.
 */
export function ownRedisClient(url: string, timeoutMs: number): Redis {
  const redis = new Redis(url, {
    // While disconnected, commands fail at once instead of piling up in memory.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A backstop for a server that hangs: the store's calls are bounded by `timeoutMs` of Redis's
    // time (deadline.ts). ioredis's own timer cannot tell a slow Redis from a busy event loop,
    // so it gets twice that, and only a loop blocked that long meets it.
    commandTimeout: 2 * timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1000),
    // Never gives up (returning null would stop reconnecting), and retries often enough that
    // service resumes within about a second of Redis coming back.
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  // Connection errors also reject the calls in flight; without a listener ioredis logs each one.
  redis.on('error', () => {});
  return redis;
}
