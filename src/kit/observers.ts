import type { StoreHealthEvent } from '../audit/events.js';
import type { Logger } from '../audit/logger.js';
import type { AuditTrail } from '../audit/trail.js';
import type { StoreObserver } from '../store/fail-closed.js';
import type { Telemetry } from '../telemetry/telemetry.js';

/** Who may watch: the kit's telemetry (loaded unless the `telemetry` option is false), audit trail and logger. */
export interface Watchers {
  readonly telemetry: Telemetry;
  readonly telemetryEnabled: boolean;
  readonly audit: AuditTrail | undefined;
  readonly logger: Logger | undefined;
}

/**
 * What watches a kit's store calls (store/fail-closed.ts): telemetry times and traces each call,
 * the audit trail and the logger hear when the store goes down and when it is back. Undefined
 * when nothing would: then the store's calls are exactly what they were without observers.
 */
export function storeObserver(which: StoreHealthEvent['store'], store: object, watchers: Watchers): StoreObserver | undefined {
  const { telemetry, audit, logger } = watchers;
  const health = audit !== undefined || logger !== undefined;
  if (!health && !watchers.telemetryEnabled) return undefined;
  const name = storeName(store);
  return {
    get timing() {
      return telemetry.tracing || telemetry.counting;
    },
    health,
    traced: (operation, call) =>
      telemetry.span(`grantkit.store.${operation}`, { 'grantkit.store.operation': operation, 'grantkit.store': name }, () =>
        timed(call, (seconds) => telemetry.storeCall(operation, name, seconds)),
      ),
    outage(operation, cause) {
      audit?.emit({ type: 'store.outage', store: which, operation, cause });
      logger?.warn({ store: which, operation, cause }, 'grantkit: the store is unavailable; requests get 503 until it answers');
    },
    recovered(operation, downMs) {
      audit?.emit({ type: 'store.recovered', store: which, operation, downMs });
      logger?.info({ store: which, operation, downMs }, 'grantkit: the store answers again');
    },
  };
}

/** `memory`, `sqlite`, `postgres`, `redis`, or the class name of the app's own store. */
function storeName(store: object): string {
  const cls = store.constructor.name;
  const builtIn = /^(Memory|Sqlite|Postgres|Redis)(Store|Connectors)$/.exec(cls);
  return builtIn ? builtIn[1]!.toLowerCase() : cls || 'store';
}

/** Runs a call and reports how long it took, once it has answered (or failed). */
function timed<T>(call: () => T, report: (seconds: number) => void): T {
  const started = performance.now();
  const done = (): void => report((performance.now() - started) / 1000);
  let result: T;
  try {
    result = call();
  } catch (e) {
    done();
    throw e;
  }
  if (result instanceof Promise) result.then(done, done);
  else done();
  return result;
}
