import type { Redis } from 'ioredis';
import { Broadcast, type HeartbeatOption } from '../broadcast.js';
import type { InvalidationListener, Resolved } from '../records.js';
import { StoreOfParts } from '../store-of-parts.js';
import type { RateLimiterBackend, RateLimiterSpec } from '../../limits/backends.js';
import { ownRedisClient, RedisConnection } from './connection.js';
import { RedisConnectors } from './connectors.js';
import { RedisDeliveries } from './deliveries.js';
import { dumpRedis } from './dump.js';
import { RedisGrants } from './grants.js';
import { redisRateLimiter } from './rate-limiter.js';
import { RedisTokens } from './tokens.js';
import { subscriberTransport } from './subscriber.js';

export interface RedisStoreOptions extends HeartbeatOption {
  /** A client of your own; the store then leaves its options and its quit() to you. */
  readonly redis?: Redis;
  /** Used when no client is given. Default redis://127.0.0.1:6379. */
  readonly url?: string;
  /** Every key starts with it, so apps and test runs can share one Redis. Default 'grantkit:'. */
  readonly prefix?: string;
  /**
   * How long a call may wait for the connection to be ready, and for a command's answer, before it
   * rejects: Redis's time, so a reply that arrived while the event loop was busy counts as in
   * time. A client the store creates also gives up on a command after twice this. Default 1000 ms.
   */
  readonly timeoutMs?: number;
}

/*
 * Layout, under the prefix P:
 *   P g:<id>        hash  j: grant JSON, e: email index field, c: client id
 *   P emails        hash  JSON [clientId, lowercased email] -> grant id
 *   P grants        zset  grant ids by createdAt;  P gc:<clientId> the same per client
 *   P t:<hash>      hash  r: token JSON, k: kind, e: expiresAt or '', g: grant id or '',
 *                         f: family or '', c: consumedAt once consumed
 *   P tk:<kind>, P tg:<grantId>, P tf:<family>
 *                   zset  token hashes, scored by when the server collects the token (inf: never)
 *   P rf:<family>   string when the family was revoked (revoked-family.ts); collected by a server TTL
 *   P rt:<hash>     string '1': a revoked access token or API key (its tombstone, revoked-family.ts);
 *                   collected by a server TTL of REVOKED_TOKEN_RETENTION_MS
 *   P cn:<slot>     string connector JSON
 *   P connectors    zset  slots, scored by the order they were first put
 *   P cr:<id>       hash  j: credential JSON, p: its connector's slot, s: its order
 *   P crp:<slot>    zset  credential ids of a connector, scored by the order they were first put
 * A slot names a connector by owner and provider: the provider alone for the app's (so rows written
 * before connectors had owners are the app's as they stand), JSON ["<client id>","<provider>"] for
 * a client's.
 *   P cseq          string the counter behind those two orders
 *   P d:<id>, P dq:<endpoint>  the webhook delivery queue (deliveries.ts)
 *
 * Connectors and credentials list in the order they were first put, as in the memory store (a
 * replacement keeps its place). They never expire and are never in a cached resolution, so their
 * scripts publish nothing.
 *
 * Expiry is decided by the `now` argument. A token key also gets a server TTL, but only as garbage
 * collection: its lifetime plus GC_GRACE_MS (tokens.ts), counted from when it is written. The TTL
 * is relative on purpose: an absolute PEXPIREAT(expiresAt) on the core's clock would delete live
 * tokens at once whenever that clock is behind the server's (an injected clock in tests, or skew).
 *
 * The scripts build key names from the prefix, so they need one Redis node, not a Cluster.
 *
 * Invalidations are PUBLISHed on the channel `P invalidate` by the very script that makes the
 * change, so no change can be made without its message being sent.
 */

const DEFAULT_TIMEOUT_MS = 1000;

/**
 * Grants and tokens in Redis, shared by every instance of an app. Every method is one round trip
 * (a Lua script where it reads more than one key), and scripts run atomically, which makes
 * consume and rotate safe across instances.
 *
 * Fails closed: a client created here never queues commands while Redis is away and reconnects by
 * itself; each call waits at most `timeoutMs` for the connection and then rejects.
 *
 * The work is done by one part per concern (grants.ts, tokens.ts, connectors.ts, deliveries.ts) over one
 * RedisConnection (connection.ts), with the scripts of scripts.ts; StoreOfParts hands each call to
 * its part.
 */
export class RedisStore extends StoreOfParts<Promise<Resolved | undefined>> {
  readonly #connection: RedisConnection;
  readonly #owned: boolean;
  readonly #broadcast: Broadcast;

  constructor(options: RedisStoreOptions = {}) {
    const prefix = options.prefix ?? 'grantkit:';
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const redis = options.redis ?? ownRedisClient(options.url ?? 'redis://127.0.0.1:6379', timeoutMs);
    const connection = new RedisConnection(redis, prefix, timeoutMs);
    super({
      grants: new RedisGrants(connection),
      tokens: new RedisTokens(connection),
      connectors: new RedisConnectors(connection),
      deliveries: new RedisDeliveries(connection),
    });
    this.#connection = connection;
    this.#owned = !options.redis;
    const transport = subscriberTransport(redis, prefix + 'invalidate', timeoutMs);
    this.#broadcast = new Broadcast(transport, { timeoutMs, heartbeatMs: options.heartbeatMs });
  }

  /** Rate-limit counters under this store's prefix, shared by every instance (rate-limiter.ts). */
  rateLimiter(spec: RateLimiterSpec): RateLimiterBackend {
    return redisRateLimiter(this.#connection, spec);
  }

  /**
   * Hears every invalidation published under this prefix, by any instance. Resolves once
   * subscribed on a connection of its own; reports `onStatus(false)` when that connection is lost
   * (messages published meanwhile are gone) and `onStatus(true)` once it is subscribed again,
   * reconnecting by itself. Rejects when it cannot subscribe within twice the timeout.
   */
  subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    return this.#broadcast.subscribe(listener);
  }

  /** Every key under the prefix with its value, as plain data: tests search it for plaintext secrets. */
  dump(): Promise<unknown> {
    return dumpRedis(this.#connection);
  }

  /** Disconnects if this store created the client; a client passed in stays open for its owner. */
  async close(): Promise<void> {
    this.#broadcast.stop();
    if (!this.#owned) return;
    try {
      await this.#connection.redis.quit();
    } catch {
      this.#connection.redis.disconnect();
    }
  }
}
