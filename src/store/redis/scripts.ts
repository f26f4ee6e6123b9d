import { createHash } from 'node:crypto';

/**
 * The Lua scripts of the Redis store, as one TypeScript module (the build copies no `.lua` files).
 * Each script is the shared library below followed by its body; ARGV[1] is always the key prefix P,
 * and the key layout they work on is described in store.ts. Scripts run atomically, which is what
 * makes consume, rotate and the revoked-family check safe across instances.
 */
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
export class Script {
  readonly lua: string;
  readonly sha: string;
  constructor(body: string) {
    this.lua = LIB + body;
    this.sha = createHash('sha1').update(this.lua).digest('hex');
  }
}

export const SCRIPTS = {
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
