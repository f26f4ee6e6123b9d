import { Redis } from 'ioredis';
import { Broadcast, invalidationPayload } from '../broadcast.js';
import { applyGrantFilter } from '../filter.js';
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import type {
  Consumed,
  GrantFilter,
  GrantRecord,
  Invalidation,
  InvalidationListener,
  Resolved,
  TokenFilter,
  TokenRecord,
} from '../records.js';
import type { Store } from '../store.js';
import { limiterClass, type RateLimiterBackend, type RateLimiterSpec } from '../../limits/backends.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/records.js';
import {
  connectorJson,
  consumed,
  credentialJson,
  emailField,
  grantJson,
  parseConnector,
  parseCredential,
  parseGrant,
  parseToken,
  slot,
  strings,
  tokenJson,
} from './codec.js';
import { SCRIPTS, type Script } from './scripts.js';
import { subscriberTransport } from './subscriber.js';

export interface RedisStoreOptions {
  /** A client of your own; the store then leaves its options and its quit() to you. */
  readonly redis?: Redis;
  /** Used when no client is given. Default redis://127.0.0.1:6379. */
  readonly url?: string;
  /** Every key starts with it, so apps and test runs can share one Redis. Default 'grantkit:'. */
  readonly prefix?: string;
  /**
   * How long a call may wait for the connection to be ready, and (for a client the store creates)
   * for a command's answer, before it rejects. Default 1000 ms.
   */
  readonly timeoutMs?: number;
  /**
   * How often the pub/sub connection behind `subscribe` is pinged, so a connection that died
   * silently is noticed (and caches stop serving) within this plus the timeout. Default 1000 ms.
   */
  readonly heartbeatMs?: number;
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
 *
 * Connectors and credentials list in the order they were first put, as in the memory store (a
 * replacement keeps its place). They never expire and are never in a cached resolution, so their
 * scripts publish nothing.
 *
 * Expiry is decided by the `now` argument. A token key also gets a server TTL, but only as garbage
 * collection: its lifetime plus GC_GRACE_MS, counted from when it is written. The TTL is relative
 * on purpose: an absolute PEXPIREAT(expiresAt) on the core's clock would delete live tokens at once
 * whenever that clock is behind the server's (an injected clock in tests, or skew).
 *
 * The scripts build key names from the prefix, so they need one Redis node, not a Cluster.
 *
 * Invalidations are PUBLISHed on the channel `P invalidate` by the very script that makes the
 * change, so no change can be made without its message being sent.
 */
const GC_GRACE_MS = 60 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_HEARTBEAT_MS = 1000;

type Arg = string | number;

/**
 * Grants and tokens in Redis, shared by every instance of an app. Every method is one round trip
 * (a Lua script where it reads more than one key), and scripts run atomically, which makes
 * consume and rotate safe across instances.
 *
 * Fails closed: a client created here never queues commands while Redis is away and reconnects by
 * itself; each call waits at most `timeoutMs` for the connection and then rejects.
 */
export class RedisStore implements Store, ConnectorStore {
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #broadcast: Broadcast;
  #readyWaiter: Promise<void> | undefined;

  constructor(options: RedisStoreOptions = {}) {
    this.#prefix = options.prefix ?? 'grantkit:';
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (options.redis) {
      this.#redis = options.redis;
      this.#owned = false;
    } else {
      this.#redis = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
        // While disconnected, commands fail at once instead of piling up in memory.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: this.#timeoutMs,
        connectTimeout: Math.max(this.#timeoutMs, 1000),
        // Never gives up (returning null would stop reconnecting), and retries often enough that
        // service resumes within about a second of Redis coming back.
        retryStrategy: (times) => Math.min(times * 100, 1000),
      });
      this.#owned = true;
      // Connection errors also reject the calls in flight; without a listener ioredis logs each one.
      this.#redis.on('error', () => {});
    }
    this.#broadcast = new Broadcast(subscriberTransport(this.#redis, this.#prefix + 'invalidate', this.#timeoutMs), {
      timeoutMs: this.#timeoutMs,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    });
  }

  /**
   * Rate-limit counters under this store's prefix (`P rl:<limit>:<key>`, expiring with their
   * window), shared by every instance. Each call waits for the connection like the store's own
   * calls do, and fails the same way when Redis is away.
   */
  rateLimiter(spec: RateLimiterSpec): RateLimiterBackend {
    const RateLimiterRedis = limiterClass('RateLimiterRedis');
    const limiter = new RateLimiterRedis({ ...spec, keyPrefix: `${this.#prefix}rl:${spec.keyPrefix}`, storeClient: this.#redis });
    return {
      consume: async (key, points, options) => {
        await this.#ready();
        return limiter.consume(key, points, options);
      },
      reward: async (key, points, options) => {
        await this.#ready();
        return limiter.reward(key, points, options);
      },
      penalty: async (key, points, options) => {
        await this.#ready();
        return limiter.penalty(key, points, options);
      },
      get: async (key, options) => {
        await this.#ready();
        return limiter.get(key, options);
      },
      delete: async (key, options) => {
        await this.#ready();
        return limiter.delete(key, options);
      },
    };
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    await this.#ready();
    const json = await this.#redis.hget(this.#prefix + 'g:' + id, 'j');
    return json === null ? undefined : parseGrant(json);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const json = await this.#run(SCRIPTS.grantByEmail, [emailField(clientId, email)]);
    return typeof json === 'string' ? parseGrant(json) : undefined;
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    await this.#run(SCRIPTS.putGrant, [
      grant.id,
      grantJson(grant),
      emailField(grant.clientId, grant.email),
      grant.clientId,
      grant.createdAt,
      invalidationPayload({ grantId: grant.id }),
    ]);
  }

  async deleteGrant(id: string): Promise<boolean> {
    return (await this.#run(SCRIPTS.deleteGrant, [id, invalidationPayload({ grantId: id }), REVOKED_TOKEN_RETENTION_MS])) === 1;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    // The sorted set narrows by client and creation time on the server; the rest is filtered here.
    const zset = filter.clientId === undefined ? 'grants' : 'gc:' + filter.clientId;
    const min = filter.since ?? '-inf';
    const max = filter.before === undefined ? '+inf' : `(${filter.before}`;
    const list = await this.#run(SCRIPTS.listGrants, [zset, min, max]);
    return applyGrantFilter(strings(list).map(parseGrant), filter);
  }

  async putToken(token: TokenRecord): Promise<void> {
    await this.#run(SCRIPTS.putToken, tokenArgs(token));
  }

  async resolve(hash: string, now: number): Promise<Resolved | undefined> {
    const reply = await this.#run(SCRIPTS.resolve, [hash, now]);
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
    const grant: unknown = reply[1];
    return { token: parseToken(reply[0]), grant: typeof grant === 'string' ? parseGrant(grant) : null };
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    return consumed(await this.#run(SCRIPTS.consume, [hash, now]));
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return consumed(await this.#run(SCRIPTS.rotate, [oldHash, now, ...tokenArgs(next)]));
  }

  /** Held or buried: one EXISTS over both keys. */
  async knows(hash: string): Promise<boolean> {
    await this.#ready();
    return (await this.#redis.exists(this.#prefix + 't:' + hash, this.#prefix + 'rt:' + hash)) > 0;
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const json = await this.#run(SCRIPTS.revokeToken, [hash, invalidationPayload({ tokenHash: hash }), REVOKED_TOKEN_RETENTION_MS]);
    return typeof json === 'string' ? parseToken(json) : undefined;
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    return Number(
      await this.#run(SCRIPTS.revokeFamily, [family, now, REVOKED_FAMILY_RETENTION_MS, invalidationPayload({ family }), REVOKED_TOKEN_RETENTION_MS]),
    );
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    return this.#revokeIndexed('tg:' + grantId, { grantId });
  }

  async #revokeIndexed(index: string, event: Invalidation): Promise<number> {
    return Number(await this.#run(SCRIPTS.revokeIndexed, [index, invalidationPayload(event), REVOKED_TOKEN_RETENTION_MS]));
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

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const key = filter.grantId === undefined ? 'tk:' + filter.kind : 'tg:' + filter.grantId;
    const list = strings(await this.#run(SCRIPTS.listTokens, [key])).map(parseToken);
    return list
      .filter(
        (t) =>
          t.kind === filter.kind &&
          (filter.clientId === undefined || t.clientId === filter.clientId) &&
          (filter.grantId === undefined || t.grantId === filter.grantId),
      )
      .sort((a, b) => a.createdAt - b.createdAt || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  }

  // Connectors and credentials (ConnectorStore)

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    await this.#ready();
    const json = await this.#redis.get(this.#prefix + 'cn:' + slot(provider, owner));
    return json === null ? undefined : parseConnector(json);
  }

  async putConnector(connector: ConnectorRecord): Promise<void> {
    await this.#run(SCRIPTS.putConnector, [slot(connector.provider, connector.owner), connectorJson(connector)]);
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return (await this.#run(SCRIPTS.deleteConnector, [slot(provider, owner)])) === 1;
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return strings(await this.#run(SCRIPTS.listConnectors, [])).map(parseConnector);
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    await this.#ready();
    const json = await this.#redis.hget(this.#prefix + 'cr:' + id, 'j');
    return json === null ? undefined : parseCredential(json);
  }

  async putCredential(credential: CredentialRecord): Promise<void> {
    await this.#run(SCRIPTS.putCredential, [credential.id, slot(credential.provider, credential.owner), credentialJson(credential)]);
  }

  async deleteCredential(id: string): Promise<boolean> {
    return (await this.#run(SCRIPTS.deleteCredential, [id])) === 1;
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return strings(await this.#run(SCRIPTS.listCredentials, [slot(provider, owner)])).map(parseCredential);
  }

  /** Every key under the prefix with its value, as plain data: tests search it for plaintext secrets. */
  async dump(): Promise<unknown> {
    await this.#ready();
    const out: Record<string, unknown> = {};
    const pattern = this.#prefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await this.#redis.type(key);
        if (type === 'hash') out[key] = await this.#redis.hgetall(key);
        else if (type === 'zset') out[key] = await this.#redis.zrange(key, 0, '-1', 'WITHSCORES');
        else if (type === 'string') out[key] = await this.#redis.get(key);
        else out[key] = type;
      }
    } while (cursor !== '0');
    return out;
  }

  /** Disconnects if this store created the client; a client passed in stays open for its owner. */
  async close(): Promise<void> {
    this.#broadcast.stop();
    if (!this.#owned) return;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  async #run(script: Script, args: readonly Arg[]): Promise<unknown> {
    await this.#ready();
    const argv = [this.#prefix, ...args];
    try {
      return await this.#redis.evalsha(script.sha, 0, ...argv);
    } catch (err) {
      // Only the first call after a start or restart of Redis pays the second round trip.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await this.#redis.eval(script.lua, 0, ...argv);
    }
  }

  /** Waits, boundedly, for a connection that is being (re)established; rejects when there is none. */
  async #ready(): Promise<void> {
    const redis = this.#redis;
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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`grantkit: Redis not ready within ${this.#timeoutMs} ms (${redis.status})`)),
        this.#timeoutMs,
      );
    });
    try {
      await Promise.race([this.#readyWaiter, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function tokenArgs(t: TokenRecord): Arg[] {
  const ttl = t.expiresAt === null ? '' : Math.max(t.expiresAt - t.createdAt, 0) + GC_GRACE_MS;
  return [t.hash, tokenJson(t), t.kind, t.grantId ?? '', t.family ?? '', t.expiresAt ?? '', ttl];
}
