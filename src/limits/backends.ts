import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';

/**
 * rate-limiter-flexible's index loads every backend it has (Mongo, DynamoDB, etcd...). grantkit
 * loads only the files of the backends it uses, each from the store that uses it; the types still
 * come from the package's own declarations.
 */
interface Backends {
  readonly RateLimiterMemory: typeof Flexible.RateLimiterMemory;
  readonly RateLimiterSQLite: typeof Flexible.RateLimiterSQLite;
  readonly RateLimiterPostgres: typeof Flexible.RateLimiterPostgres;
  readonly RateLimiterRedis: typeof Flexible.RateLimiterRedis;
  readonly RateLimiterRes: typeof Flexible.RateLimiterRes;
}

const load = createRequire(import.meta.url);

export function limiterClass<K extends keyof Backends>(name: K): Backends[K] {
  const loaded: unknown = load(`rate-limiter-flexible/lib/${name}.js`);
  if (!isBackend(name, loaded)) throw new Error(`grantkit: rate-limiter-flexible/lib/${name}.js does not export the class ${name}`);
  return loaded;
}

/** Each of those files exports one class, named as the file: require() says nothing of its type. */
function isBackend<K extends keyof Backends>(name: K, value: unknown): value is Backends[K] {
  return typeof value === 'function' && value.name === name;
}

/** What the kit asks of a store for one of its limits: a prefix that keeps the limits apart, and the window. */
export interface RateLimiterSpec {
  readonly keyPrefix: string;
  /** Attempts allowed in the window. */
  readonly points: number;
  /** The window, in seconds, counted from the first attempt. */
  readonly duration: number;
}

/** The part of a rate-limiter-flexible limiter the kit uses; any of its limiters fits. */
export type RateLimiterBackend = Pick<Flexible.RateLimiterAbstract, 'consume' | 'reward' | 'penalty' | 'get' | 'delete'>;

/** Per-process counters: the memory store's, and any store's that brings no limiter of its own. */
export function memoryLimiter(spec: RateLimiterSpec): RateLimiterBackend {
  const RateLimiterMemory = limiterClass('RateLimiterMemory');
  return new RateLimiterMemory({ keyPrefix: spec.keyPrefix, points: spec.points, duration: spec.duration });
}

/** The table the SQL stores keep counters in (rate-limiter-flexible's layout: key, points, expire). */
export const RATE_LIMIT_TABLE = 'grantkit_rate_limits';
