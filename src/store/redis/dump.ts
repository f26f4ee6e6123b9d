import type { RedisConnection } from './connection.js';

/** Every key under the prefix with its value, as plain data: tests search it for plaintext secrets. */
export async function dumpRedis(connection: RedisConnection): Promise<Record<string, unknown>> {
  await connection.ready();
  const redis = connection.redis;
  const out: Record<string, unknown> = {};
  const pattern = connection.prefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') out[key] = await redis.hgetall(key);
      else if (type === 'zset') out[key] = await redis.zrange(key, 0, '-1', 'WITHSCORES');
      else if (type === 'string') out[key] = await redis.get(key);
      else out[key] = type;
    }
  } while (cursor !== '0');
  return out;
}
