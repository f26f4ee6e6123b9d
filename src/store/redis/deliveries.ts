import * as z from 'zod';
import type { DeliveryClaim, DeliveryQueue, DeliveryRecord, QueuedDelivery } from '../deliveries.js';
import { parseStored } from '../stored.js';
import type { Arg, RedisConnection } from './connection.js';
import { Script } from './scripts.js';

/*
 * The delivery queue's keys, under the prefix P (the rest of the layout is in store.ts):
 *   P d:<id>         hash  e: endpoint, p: payload, a: attempts, l: lease ('' when unclaimed), c: createdAt
 *   P dq:<endpoint>  zset  delivery ids, scored by when each is due (while claimed: its lease's expiry)
 * Neither expires: a delivery leaves the queue when it is settled as delivered or given up.
 */

const SCRIPTS = {
  // ARGV: P, then id, endpoint, payload, dueAt, createdAt for each delivery. An id already queued is left alone.
  enqueue: new Script(`
for i = 2, #ARGV, 5 do
  local key = P .. 'd:' .. ARGV[i]
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'e', ARGV[i + 1], 'p', ARGV[i + 2], 'a', 0, 'l', '', 'c', ARGV[i + 4])
    redis.call('ZADD', P .. 'dq:' .. ARGV[i + 1], ARGV[i + 3], ARGV[i])
  end
end
return 1`),
  // ARGV: P, now, leaseUntil, lease, limit, endpoint... The script runs atomically, so no other
  // claim sees a delivery between its being found due and its being taken.
  claim: new Script(`
local now, untl, lease, limit = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local due = {}
for i = 6, #ARGV do
  local found = redis.call('ZRANGEBYSCORE', P .. 'dq:' .. ARGV[i], '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
  for j = 1, #found, 2 do due[#due + 1] = { found[j], tonumber(found[j + 1]), ARGV[i] } end
end
table.sort(due, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local out = {}
for k = 1, math.min(limit, #due) do
  local id, e = due[k][1], due[k][3]
  local key = P .. 'd:' .. id
  if redis.call('EXISTS', key) == 1 then
    local attempts = redis.call('HINCRBY', key, 'a', 1)
    redis.call('HSET', key, 'l', lease)
    redis.call('ZADD', P .. 'dq:' .. e, untl, id)
    local r = redis.call('HMGET', key, 'p', 'c')
    out[#out + 1] = { id, e, r[1], tostring(attempts), untl, lease, r[2] }
  else
    redis.call('ZREM', P .. 'dq:' .. e, id)
  end
end
return out`),
  // ARGV: P, id, lease, retryAt ('' removes the delivery)
  settle: new Script(`
local key = P .. 'd:' .. ARGV[2]
local r = redis.call('HMGET', key, 'l', 'e')
if not r[1] or ARGV[3] == '' or r[1] ~= ARGV[3] then return 0 end
if ARGV[4] == '' then
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'dq:' .. r[2], ARGV[2])
else
  redis.call('HSET', key, 'l', '')
  redis.call('ZADD', P .. 'dq:' .. r[2], ARGV[4], ARGV[2])
end
return 1`),
};

const redisTime = z.string().regex(/^-?\d+$/).transform(Number);
const claimedReply = z.tuple([z.string(), z.string(), z.string(), redisTime, redisTime, z.string(), redisTime]);

/** The webhook delivery queue of a RedisStore, shared by every instance on the prefix. Each call is one script. */
export class RedisDeliveries implements DeliveryQueue {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async enqueueDeliveries(deliveries: readonly QueuedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const args: Arg[] = deliveries.flatMap((d) => [d.id, d.endpoint, d.payload, d.dueAt, d.createdAt]);
    await this.#connection.run(SCRIPTS.enqueue, args);
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<DeliveryRecord[]> {
    if (claim.endpoints.length === 0 || claim.limit <= 0) return [];
    const reply = await this.#connection.run(SCRIPTS.claim, [claim.now, claim.leaseUntil, claim.lease, claim.limit, ...claim.endpoints]);
    const rows = Array.isArray(reply) ? reply : [];
    return rows.map((row) => {
      const [id, endpoint, payload, attempts, dueAt, lease, createdAt] = parseStored(claimedReply, row, 'webhook delivery');
      return { id, endpoint, payload, attempts, dueAt, lease, createdAt };
    });
  }

  async settleDelivery(id: string, lease: string, retryAt: number | null): Promise<boolean> {
    return (await this.#connection.run(SCRIPTS.settle, [id, lease, retryAt ?? ''])) === 1;
  }
}
