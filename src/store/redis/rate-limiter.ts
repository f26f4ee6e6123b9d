import { limiterClass, type RateLimiterBackend, type RateLimiterSpec } from '../../limits/backends.js';
import type { RedisConnection } from './connection.js';

/**
 * Rate-limit counters under the store's prefix (`P rl:<limit>:<key>`, expiring with their window),
 * shared by every instance. Each call waits for the connection like the store's own calls do, and
 * fails the same way when Redis is away.
 */
export function redisRateLimiter(connection: RedisConnection, spec: RateLimiterSpec): RateLimiterBackend {
  const RateLimiterRedis = limiterClass('RateLimiterRedis');
  const limiter = new RateLimiterRedis({ ...spec, keyPrefix: connection.key(`rl:${spec.keyPrefix}`), storeClient: connection.redis });
  return {
    consume: async (key, points, options) => {
      await connection.ready();
      return limiter.consume(key, points, options);
    },
    reward: async (key, points, options) => {
      await connection.ready();
      return limiter.reward(key, points, options);
    },
    penalty: async (key, points, options) => {
      await connection.ready();
      return limiter.penalty(key, points, options);
    },
    get: async (key, options) => {
      await connection.ready();
      return limiter.get(key, options);
    },
    delete: async (key, options) => {
      await connection.ready();
      return limiter.delete(key, options);
    },
  };
}
