import type { Database, Statement } from 'better-sqlite3';
import { GrantCache } from '../cache.js';
import type { Invalidation, Resolved } from '../records.js';

import { SQLITE_CACHE_DEFAULTS, type SqliteCacheOptions } from './sqlite-cache-options.js';

/**
 * A backstop only: what the cache holds is exact (see SqliteResolutionCache), and entries are
 * dropped at the token's expiry whatever this says. The grant cache's own bound (≤ 5 s) is kept.
 */
const TTL_MS = 5000;

/** Reads one resolution from the file: the store's uncached `resolve`. */
export type ReadResolution = (hash: string, now: number) => Resolved | undefined;

/**
 * How the token and grant parts of a SqliteStore resolve and write: through the cache, or straight
 * to the file when the cache is off. Every write of those parts runs through `own`, so that the
 * cache drops what the write names the moment it is committed.
 */
export interface SqliteResolutions {
  resolve(hash: string, now: number, read: ReadResolution): Resolved | undefined;
  own<T>(write: () => T, event: Invalidation): T;
}

/** The cache turned off: every resolution reads the file. */
export const UNCACHED: SqliteResolutions = {
  resolve: (hash, now, read) => read(hash, now),
  own: (write) => write(),
};

/**
 * Successful resolutions kept in process, exact as long as nothing else wrote to the file, and
 * checked for that on the resolution path itself (no timer, so a busy event loop cannot leave it
 * stale):
 * - the store's own writes drop what they name (a token, a family, a grant) at once (`own`);
 * - anything else written through this connection (another store or code sharing the handle, the
 *   rate limiter, connectors, webhook deliveries) moves `total_changes()`, read on every
 *   resolution (it costs tens of nanoseconds), and empties the cache;
 * - a commit by another connection (another process sharing the file) moves `PRAGMA
 *   data_version`, which this connection's own commits never move; it is read at most once per
 *   `checkIntervalMs` and empties the cache, so a revocation elsewhere is refused here within that
 *   interval plus the time to commit.
 * Each check is read before the file is, so an entry is never newer than the reading it is
 * judged by. Entries never outlive the token's expiry (GrantCache), and a resolution read inside a
 * transaction that may still roll back is not kept.
 */
export class SqliteResolutionCache implements SqliteResolutions {
  readonly #db: Database;
  readonly #entries: GrantCache;
  readonly #intervalMs: number;
  readonly #dataVersion: Statement<[]>;
  readonly #totalChanges: Statement<[]>;
  #checkedAt = -Infinity;
  #version: unknown;
  #changes: unknown;

  constructor(db: Database, settings: SqliteCacheSettings) {
    this.#db = db;
    this.#entries = new GrantCache({ ttlMs: TTL_MS, maxEntries: settings.maxEntries });
    this.#intervalMs = settings.checkIntervalMs;
    // Plain numbers even on a handle whose app asked for BigInts: the readings are only compared.
    this.#dataVersion = db.prepare<[]>('PRAGMA data_version').pluck().safeIntegers(false);
    this.#totalChanges = db.prepare<[]>('SELECT total_changes()').pluck().safeIntegers(false);
    this.#changes = this.#totalChanges.get();
  }

  resolve(hash: string, now: number, read: ReadResolution): Resolved | undefined {
    const changes = this.#totalChanges.get();
    if (changes !== this.#changes) {
      this.#changes = changes;
      this.#entries.clear();
    }
    const t = performance.now();
    if (t - this.#checkedAt >= this.#intervalMs) this.#checkVersion(t);
    const hit = this.#entries.get(hash, now);
    if (hit !== undefined) return hit;
    const fresh = read(hash, now);
    if (fresh !== undefined && !this.#db.inTransaction) this.#entries.set(hash, fresh, now);
    return fresh;
  }

  /**
   * Runs one of the store's own writes, then drops what it names. The write moves
   * `total_changes()` as any write through the connection does; when nothing else had moved it
   * since the last reading, the new reading is taken as is, so the store's own writes cost the
   * cache only the entries they name, not all of them.
   */
  own<T>(write: () => T, event: Invalidation): T {
    const before = this.#totalChanges.get();
    try {
      return write();
    } finally {
      this.#entries.invalidate(event);
      if (before === this.#changes) this.#changes = this.#totalChanges.get();
    }
  }

  #checkVersion(t: number): void {
    const version = this.#dataVersion.get();
    this.#checkedAt = t;
    if (version === this.#version) return;
    this.#version = version;
    this.#entries.clear();
  }
}

export type SqliteCacheSettings = Readonly<Required<SqliteCacheOptions>>;

/**
 * The settings a SqliteStore's `cache` option asks for (on by default, off with `false`), checked
 * before the store opens its file, so that a mistake leaves nothing open.
 */
export function sqliteCacheSettings(option: boolean | SqliteCacheOptions | undefined): SqliteCacheSettings | false {
  if (option === false) return false;
  const given: SqliteCacheOptions = option === undefined || option === true ? {} : option;
  const maxEntries = given.maxEntries ?? SQLITE_CACHE_DEFAULTS.maxEntries;
  const checkIntervalMs = given.checkIntervalMs ?? SQLITE_CACHE_DEFAULTS.checkIntervalMs;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) throw cacheOptionError('maxEntries', 'must be a positive integer');
  if (!Number.isFinite(checkIntervalMs) || checkIntervalMs < 0 || checkIntervalMs > 1000) {
    throw cacheOptionError('checkIntervalMs', 'must be a number of milliseconds from 0 to 1000');
  }
  return { maxEntries, checkIntervalMs };
}

/** The resolutions of a store on `db`: through a cache with these settings, or straight to the file. */
export function sqliteResolutions(db: Database, settings: SqliteCacheSettings | false): SqliteResolutions {
  return settings === false ? UNCACHED : new SqliteResolutionCache(db, settings);
}

/** A start-up mistake, worded as the kit's own option errors are. */
function cacheOptionError(name: string, message: string): TypeError {
  const err = new TypeError(`SqliteStore: option "cache.${name}" ${message}`);
  Object.defineProperty(err, 'code', { value: 'ERR_INVALID_ARG_VALUE', enumerable: true });
  return err;
}
