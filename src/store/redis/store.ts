import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { Broadcast, invalidationPayload, type ChannelTransport } from '../broadcast.js';
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

const LIB = `
local P = ARGV[1]

local function publish(payload)
  redis.call('PUBLISH', P .. 'invalidate', payload)
end

local function servernow()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Adds a member, drops the members the server has already collected, and lets the index itself
-- expire with its longest-lived member.
local function index(key, deadline, hash, now)
  redis.call('ZADD', key, deadline, hash)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. now)
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if top[2] == 'inf' then redis.call('PERSIST', key) else redis.call('PEXPIREAT', key, top[2]) end
end

-- With bury (a TTL in ms), a revocation: an access token or API key leaves its tombstone.
local function drop(hash, bury)
  local key = P .. 't:' .. hash
  local t = redis.call('HMGET', key, 'k', 'g', 'f')
  if not t[1] then return 0 end
  if bury and (t[1] == 'access' or t[1] == 'api_key') then
    redis.call('SET', P .. 'rt:' .. hash, '1', 'PX', bury)
  end
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'tk:' .. t[1], hash)
  if t[2] ~= '' then redis.call('ZREM', P .. 'tg:' .. t[2], hash) end
  if t[3] ~= '' then redis.call('ZREM', P .. 'tf:' .. t[3], hash) end
  return 1
end

local function dropindexed(key, bury)
  local n = 0
  for _, hash in ipairs(redis.call('ZRANGE', key, 0, -1)) do n = n + drop(hash, bury) end
  redis.call('DEL', key)
  return n
end

local function revoked(f)
  return f ~= '' and redis.call('EXISTS', P .. 'rf:' .. f) == 1
end

-- hash, record JSON, kind, grant id, family, expiresAt, ttl ('' = none). A token of a revoked
-- family is not stored: scripts run atomically, so no revocation can slip in between.
local function put(hash, r, k, g, f, e, ttl)
  if revoked(f) then return end
  drop(hash)
  local key = P .. 't:' .. hash
  redis.call('HSET', key, 'r', r, 'k', k, 'g', g, 'f', f, 'e', e)
  local now = servernow()
  local deadline = 'inf'
  if ttl ~= '' then
    deadline = now + tonumber(ttl)
    redis.call('PEXPIREAT', key, deadline)
  end
  index(P .. 'tk:' .. k, deadline, hash, now)
  if g ~= '' then index(P .. 'tg:' .. g, deadline, hash, now) end
  if f ~= '' then index(P .. 'tf:' .. f, deadline, hash, now) end
end

-- nil when unknown or expired at now; else the record JSON and 1 on first use, 0 on a replay.
local function consume(hash, now)
  local key = P .. 't:' .. hash
  local t = redis.call('HMGET', key, 'r', 'e', 'c')
  if not t[1] then return nil end
  if t[2] ~= '' and tonumber(t[2]) <= tonumber(now) then return nil end
  if t[3] then return t[1], 0 end
  redis.call('HSET', key, 'c', now)
  return t[1], 1
end
`;

/** A Lua script run by its SHA, loaded again after a Redis restart flushed the script cache. */
class Script {
  readonly lua: string;
  readonly sha: string;
  constructor(body: string) {
    this.lua = LIB + body;
    this.sha = createHash('sha1').update(this.lua).digest('hex');
  }
}

const SCRIPTS = {
  // ARGV: P, id, grant JSON, email field, client id, createdAt, invalidation
  putGrant: new Script(`
local id = ARGV[2]
local gk = P .. 'g:' .. id
local old = redis.call('HMGET', gk, 'e', 'c')
if old[1] then
  if redis.call('HGET', P .. 'emails', old[1]) == id then redis.call('HDEL', P .. 'emails', old[1]) end
  if old[2] ~= ARGV[5] then redis.call('ZREM', P .. 'gc:' .. old[2], id) end
end
redis.call('HSET', gk, 'j', ARGV[3], 'e', ARGV[4], 'c', ARGV[5])
redis.call('HSET', P .. 'emails', ARGV[4], id)
redis.call('ZADD', P .. 'grants', ARGV[6], id)
redis.call('ZADD', P .. 'gc:' .. ARGV[5], ARGV[6], id)
publish(ARGV[7])
return 1`),
  // ARGV: P, email field
  grantByEmail: new Script(`
local id = redis.call('HGET', P .. 'emails', ARGV[2])
if not id then return false end
return redis.call('HGET', P .. 'g:' .. id, 'j')`),
  // ARGV: P, id, invalidation, tombstone TTL
  deleteGrant: new Script(`
local id = ARGV[2]
local gk = P .. 'g:' .. id
local old = redis.call('HMGET', gk, 'e', 'c')
if not old[1] then return 0 end
redis.call('DEL', gk)
if redis.call('HGET', P .. 'emails', old[1]) == id then redis.call('HDEL', P .. 'emails', old[1]) end
redis.call('ZREM', P .. 'grants', id)
redis.call('ZREM', P .. 'gc:' .. old[2], id)
dropindexed(P .. 'tg:' .. id, ARGV[4])
publish(ARGV[3])
return 1`),
  // ARGV: P, zset key suffix, min score, max score
  listGrants: new Script(`
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. ARGV[2], ARGV[3], ARGV[4])) do
  local j = redis.call('HGET', P .. 'g:' .. id, 'j')
  if j then out[#out + 1] = j end
end
return out`),
  // ARGV: P, hash, record JSON, kind, grant id, family, expiresAt, ttl
  putToken: new Script(`
put(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
return 1`),
  // ARGV: P, hash, now
  resolve: new Script(`
local t = redis.call('HMGET', P .. 't:' .. ARGV[2], 'r', 'k', 'e', 'g', 'f')
if not t[1] then return false end
if t[2] ~= 'access' and t[2] ~= 'api_key' then return false end
if t[3] ~= '' and tonumber(t[3]) <= tonumber(ARGV[3]) then return false end
if revoked(t[5]) then return false end
local g = false
if t[4] ~= '' then g = redis.call('HGET', P .. 'g:' .. t[4], 'j') end
return { t[1], g }`),
  // ARGV: P, hash, now
  consume: new Script(`
local r, first = consume(ARGV[2], ARGV[3])
if not r then return false end
return { r, first }`),
  // ARGV: P, old hash, now, then the next token as for putToken
  rotate: new Script(`
local r, first = consume(ARGV[2], ARGV[3])
if not r then return false end
if first == 1 then put(ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]) end
return { r, first }`),
  // ARGV: P, hash, invalidation, tombstone TTL
  revokeToken: new Script(`
local r = redis.call('HGET', P .. 't:' .. ARGV[2], 'r')
if not r then return false end
drop(ARGV[2], ARGV[4])
publish(ARGV[3])
return r`),
  // ARGV: P, family, revokedAt, marker TTL, invalidation, tombstone TTL. The marker first, in the same script.
  revokeFamily: new Script(`
redis.call('SET', P .. 'rf:' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
local n = dropindexed(P .. 'tf:' .. ARGV[2], ARGV[6])
publish(ARGV[5])
return n`),
  // ARGV: P, index key suffix, invalidation, tombstone TTL
  revokeIndexed: new Script(`
local n = dropindexed(P .. ARGV[2], ARGV[4])
publish(ARGV[3])
return n`),
  // ARGV: P, index key suffix
  listTokens: new Script(`
local out = {}
for _, hash in ipairs(redis.call('ZRANGE', P .. ARGV[2], 0, -1)) do
  local r = redis.call('HGET', P .. 't:' .. hash, 'r')
  if r then out[#out + 1] = r end
end
return out`),
  // ARGV: P, slot, connector JSON
  putConnector: new Script(`
redis.call('SET', P .. 'cn:' .. ARGV[2], ARGV[3])
if not redis.call('ZSCORE', P .. 'connectors', ARGV[2]) then
  redis.call('ZADD', P .. 'connectors', redis.call('INCR', P .. 'cseq'), ARGV[2])
end
return 1`),
  // ARGV: P, slot. The connector and its credentials in one script, so no reader sees one
  // without the other; the credentials go even when the connector is already gone, as in memory.
  deleteConnector: new Script(`
local idx = P .. 'crp:' .. ARGV[2]
for _, id in ipairs(redis.call('ZRANGE', idx, 0, -1)) do redis.call('DEL', P .. 'cr:' .. id) end
redis.call('DEL', idx)
redis.call('ZREM', P .. 'connectors', ARGV[2])
return redis.call('DEL', P .. 'cn:' .. ARGV[2])`),
  // ARGV: P
  listConnectors: new Script(`
local out = {}
for _, provider in ipairs(redis.call('ZRANGE', P .. 'connectors', 0, -1)) do
  local j = redis.call('GET', P .. 'cn:' .. provider)
  if j then out[#out + 1] = j end
end
return out`),
  // ARGV: P, id, slot, credential JSON. A credential moved to another connector keeps its place.
  putCredential: new Script(`
local key = P .. 'cr:' .. ARGV[2]
local old = redis.call('HMGET', key, 'p', 's')
local seq = old[2]
if not seq then seq = redis.call('INCR', P .. 'cseq') end
if old[1] and old[1] ~= ARGV[3] then redis.call('ZREM', P .. 'crp:' .. old[1], ARGV[2]) end
redis.call('HSET', key, 'j', ARGV[4], 'p', ARGV[3], 's', seq)
redis.call('ZADD', P .. 'crp:' .. ARGV[3], seq, ARGV[2])
return 1`),
  // ARGV: P, id
  deleteCredential: new Script(`
local key = P .. 'cr:' .. ARGV[2]
local provider = redis.call('HGET', key, 'p')
if not provider then return 0 end
redis.call('DEL', key)
redis.call('ZREM', P .. 'crp:' .. provider, ARGV[2])
return 1`),
  // ARGV: P, slot
  listCredentials: new Script(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'crp:' .. ARGV[2], 0, -1)) do
  local j = redis.call('HGET', P .. 'cr:' .. id, 'j')
  if j then out[#out + 1] = j end
end
return out`),
} as const;

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

/**
 * A subscriber connection of its own (a subscribed connection can run nothing else), made with the
 * command client's settings. It never reconnects or resubscribes by itself: the Broadcast does,
 * so that it knows when messages may have been lost.
 */
function subscriberTransport(redis: Redis, channel: string, timeoutMs: number): ChannelTransport {
  return {
    async open(onMessage, onLost) {
      const sub = redis.duplicate({
        lazyConnect: true,
        retryStrategy: () => null,
        autoResubscribe: false,
        enableOfflineQueue: true,
        maxRetriesPerRequest: 0,
        connectTimeout: Math.max(timeoutMs, 1000),
      });
      let closed = false;
      const lose = (): void => {
        if (closed) return;
        closed = true;
        onLost();
      };
      sub.on('error', () => {}); // each error is followed by 'close', which is what counts
      sub.on('close', lose);
      sub.on('end', lose);
      sub.on('message', (ch: string, message: string) => {
        if (ch === channel) onMessage(message);
      });
      try {
        await sub.connect();
        await sub.subscribe(channel);
      } catch (e) {
        closed = true;
        sub.disconnect();
        throw e;
      }
      return {
        ping: () => sub.ping(),
        close: () => {
          closed = true;
          sub.disconnect();
        },
      };
    },
  };
}

function emailField(clientId: string, email: string): string {
  return JSON.stringify([clientId, email.toLowerCase()]);
}

function tokenArgs(t: TokenRecord): Arg[] {
  const ttl = t.expiresAt === null ? '' : Math.max(t.expiresAt - t.createdAt, 0) + GC_GRACE_MS;
  return [t.hash, tokenJson(t), t.kind, t.grantId ?? '', t.family ?? '', t.expiresAt ?? '', ttl];
}

function consumed(reply: unknown): Consumed | undefined {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
  return { record: parseToken(reply[0]), firstUse: reply[1] === 1 };
}

function strings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.filter((x): x is string => typeof x === 'string') : [];
}

// Field by field, so nothing a caller attached to the object (say, the plaintext) is ever stored.
function grantJson(g: GrantRecord): string {
  const { id, clientId, provider, email, name, scopes, status, settings, createdAt, updatedAt, scopeVocabulary } = g;
  // JSON leaves out an undefined scopeVocabulary or identity, so an older grant reads back without them.
  const identity = g.identity ? { subject: g.identity.subject, strength: g.identity.strength, method: g.identity.method } : undefined;
  return JSON.stringify({ id, clientId, provider, email, name, scopes, status, settings, createdAt, updatedAt, scopeVocabulary, identity });
}

function tokenJson(t: TokenRecord): string {
  const { hash, kind, clientId, grantId, family, createdAt, expiresAt, data } = t;
  // `scopes` only when recorded: older tokens (none) act with their grant's scopes.
  const scopes = t.scopes ? [...t.scopes] : undefined;
  return JSON.stringify({ hash, kind, clientId, grantId, family, createdAt, expiresAt, data, scopes });
}

function connectorJson(c: ConnectorRecord): string {
  const { id, provider, name, clientId, clientSecret, settings, defaultScopes, allowedScopes, endpoints, activeCredentialId, owner, clients, createdAt, updatedAt } = c;
  return JSON.stringify({ id, provider, name, clientId, clientSecret, settings, defaultScopes, allowedScopes, endpoints, activeCredentialId, owner, clients, createdAt, updatedAt });
}

function credentialJson(c: CredentialRecord): string {
  const { id, provider, owner, name, type, data, createdAt, updatedAt } = c;
  return JSON.stringify({ id, provider, owner, name, type, data, createdAt, updatedAt });
}

/** Where a connector of that owner and provider lives (see the layout above). */
function slot(provider: string, owner: string | null): string {
  return owner === null ? provider : JSON.stringify([owner, provider]);
}

// Rows written before connectors had owners have no `owner` or `clients`: they are the app's and
// serve every client.
function parseConnector(json: string): ConnectorRecord {
  const c = JSON.parse(json) as ConnectorRecord;
  return { ...c, owner: c.owner ?? null, clients: c.clients ?? null };
}

function parseCredential(json: string): CredentialRecord {
  const c = JSON.parse(json) as CredentialRecord;
  return { ...c, owner: c.owner ?? null };
}

// Records are written by this store from typed values, so parsing trusts their shape.
function parseGrant(json: string): GrantRecord {
  return JSON.parse(json) as GrantRecord;
}

function parseToken(json: string): TokenRecord {
  return JSON.parse(json) as TokenRecord;
}
