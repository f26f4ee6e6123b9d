// The SQLite cache's options, apart from the cache itself: SqliteStore's public types name them,
// and the cache's own module names better-sqlite3's types, which an app without it must not need.

/** How a SqliteStore keeps resolutions in process memory (`cache` of SqliteStoreOptions). */
export interface SqliteCacheOptions {
  /** Entries kept at most; the oldest go first. Default 100,000. */
  readonly maxEntries?: number;
  /**
   * How often, at most, a resolution asks SQLite whether another connection (another process, or
   * another handle on the file) committed a write: `PRAGMA data_version`. Default 5 ms; at most
   * 1000, so that a revocation made elsewhere is refused here within a second.
   */
  readonly checkIntervalMs?: number;
}

export const SQLITE_CACHE_DEFAULTS: Readonly<Required<SqliteCacheOptions>> = Object.freeze({ maxEntries: 100_000, checkIntervalMs: 5 });
