import { renderGuardError } from '../errors/formats.js';
import { serialize, type SerializedResponse } from '../http/serialize.js';
import type { CachedStore, ChannelState } from '../store/cached.js';
import { storeUnavailable } from '../store/fail-closed.js';
import type { Store } from '../store/store.js';

/**
 * What `kit.health()` reports: whether the store answers, and whether the grant cache can rely on
 * the store's invalidation channel. It names no host, URL, user or secret: it is meant to be served
 * to load balancers and monitors (`gk.health()`).
 */
export interface HealthReport {
  /**
   * `ok`: the store answers and, with a cache, the channel is subscribed. `degraded`: the store
   * answers but the channel is down, so the cache steps aside and every request reads the store
   * (correct, only slower). `down`: the store did not answer within `storeTimeoutMs`; requests
   * that need it are answered 503.
   */
  readonly status: 'ok' | 'degraded' | 'down';
  readonly store: {
    /** Whether a lookup answered within `storeTimeoutMs`. */
    readonly reachable: boolean;
    /** How long the lookup took, in milliseconds (to a tenth). */
    readonly latencyMs: number;
  };
  readonly invalidation: {
    /**
     * `subscribed`: the cache hears every revocation; `down`: the channel is lost and reconnecting
     * (or not yet up at start-up); `none`: no cache, or a store without a broadcast (the cache's
     * TTL alone bounds staleness).
     */
    readonly state: ChannelState;
    /** Whether cache hits are served now. */
    readonly cacheServing: boolean;
  };
}

/**
 * A hash no token can have (a token's hash is 43 base64url characters): the probe is a real
 * lookup by primary key, through the kit's store and its timeout, that finds nothing.
 */
const PROBE_HASH = 'grantkit-health-probe';

/**
 * Asks the store once and reads the channel's state. `store` is the kit's view of it (the cache
 * in front, every call bounded by the timeout, an outage reported to the audit trail and logger);
 * never rejects.
 */
export async function checkHealth(store: Store, cached: CachedStore | undefined, now: () => number): Promise<HealthReport> {
  const started = performance.now();
  let reachable = true;
  try {
    await store.resolve(PROBE_HASH, now());
  } catch {
    reachable = false;
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const invalidation = cached === undefined ? { state: 'none' as const, cacheServing: false } : { state: cached.channel, cacheServing: cached.serving };
  const status = !reachable ? 'down' : cached !== undefined && invalidation.state === 'down' ? 'degraded' : 'ok';
  return { status, store: { reachable, latencyMs }, invalidation };
}

/**
 * The health endpoint's answer: 200 with the report and `degraded` while the store answers, else
 * 503 with `Retry-After: 1` in the error format of the path it is mounted at, as every other
 * store outage is answered. Never cached by a proxy.
 */
export function healthResponse(report: HealthReport, url: string): SerializedResponse {
  if (report.status === 'down') {
    const r = serialize(renderGuardError(storeUnavailable(), url));
    return { ...r, headers: { ...r.headers, 'cache-control': 'no-store' } };
  }
  return serialize({
    status: 200,
    headers: { 'cache-control': 'no-store' },
    body: { status: report.status, degraded: report.status === 'degraded', store: report.store, invalidation: report.invalidation },
  });
}
