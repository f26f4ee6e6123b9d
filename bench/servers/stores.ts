import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';

export type StoreKind = 'memory' | 'sqlite' | 'redis' | 'postgres';

export interface OpenedStore {
  readonly store: Store;
  /** Runs bulk seeding in one transaction where the store allows it. */
  readonly batch: (work: () => Promise<void>) => Promise<void>;
  readonly close: () => Promise<void>;
  /** Printed under the table. */
  readonly note?: string;
  /** Whether the kit puts its per-instance grant cache in front of this store. */
  readonly cache?: boolean;
}

export const PG_URL = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/**
 * Our own schema / key prefix, so the bench never touches tables other people's tests use, and one
 * per server process: every variant's server runs for the whole bench, so two variants on the same
 * store kind must not share (or wipe) each other's data. Dropped again when the server closes.
 */
const PG_SCHEMA = `grantkit_bench_${process.pid}`;
const REDIS_PREFIX = `grantkit_bench:${process.pid}:`;

const direct = async (work: () => Promise<void>): Promise<void> => work();

/** True when something accepts TCP connections there within a second. */
export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The store modules are being written alongside the bench. They are imported by a computed
 * specifier so the bench type-checks and runs before they exist; a missing one is a skip.
 */
async function importStore(name: string): Promise<Record<string, unknown> | string> {
  const file = fileURLToPath(new URL(`../../src/store/${name}.ts`, import.meta.url));
  if (!existsSync(file)) return `src/store/${name}.ts does not exist yet`;
  const specifier = `../../src/store/${name}.js`;
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    return `src/store/${name}.ts failed to load: ${e instanceof Error ? e.message : String(e)}`;
  }
}

type StoreClass = new (options: Record<string, unknown>) => Store;

/** Opens the store a server variant runs on, or returns why it cannot. */
export async function openStore(kind: StoreKind, cache: boolean): Promise<OpenedStore | string> {
  if (kind === 'memory') {
    if (cache) return 'the memory store needs no cache';
    return { store: new MemoryStore(), batch: direct, close: async () => {} };
  }
  if (kind === 'sqlite') {
    if (cache) return "the SQLite store keeps its own in-process cache (on by default); the kit's cache is for networked stores";
    const mod = await importStore('sql/sqlite');
    if (typeof mod === 'string') return mod;
    const SqliteStore = mod['SqliteStore'] as StoreClass | undefined;
    if (!SqliteStore) return 'src/store/sql/sqlite.ts exports no SqliteStore';
    const { default: Database } = await import('better-sqlite3');
    // A real file with WAL, as an app would run it, in a fresh temp path so runs never share state.
    const db = new Database(join(tmpdir(), `grantkit-bench-${process.pid}-${Date.now()}.db`));
    db.pragma('journal_mode = WAL');
    // The store's defaults, its in-process resolution cache included: the figure is for SQLite as it ships.
    const store = new SqliteStore({ database: db });
    // One transaction around the seeding: 20k autocommits would each wait for the disk.
    const batch = async (work: () => Promise<void>): Promise<void> => {
      db.exec('BEGIN');
      try {
        await work();
        db.exec('COMMIT');
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      }
    };
    return { store, batch, close: async () => { db.close(); } };
  }
  if (kind === 'postgres') {
    if (!(await reachable('127.0.0.1', 5432))) return 'PostgreSQL is not reachable on 127.0.0.1:5432';
    const mod = await importStore('sql/postgres');
    if (typeof mod === 'string') return mod;
    const PostgresStore = mod['PostgresStore'] as StoreClass | undefined;
    if (!PostgresStore) return 'src/store/sql/postgres.ts exports no PostgresStore';
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: PG_URL, max: 10 });
    pool.on('error', () => {});
    try {
      await pool.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
      const store = new PostgresStore({ pool, schema: PG_SCHEMA }) as Store & { migrate?: () => Promise<unknown> };
      await store.migrate?.();
      const close = async (): Promise<void> => {
        await pool.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`).catch(() => {});
        await pool.end();
      };
      return { store, batch: direct, close, cache };
    } catch (e) {
      await pool.end().catch(() => {});
      return `PostgreSQL at ${PG_URL}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  // redis
  if (!(await reachable('127.0.0.1', 6379))) return 'Redis is not reachable on 127.0.0.1:6379';
  const mod = await importStore('redis/store');
  if (typeof mod === 'string') return mod;
  const RedisStore = mod['RedisStore'] as StoreClass | undefined;
  if (!RedisStore) return `src/store/redis/store.ts exports no RedisStore (exports: ${Object.keys(mod).join(', ')})`;
  const { Redis } = await import('ioredis');
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const dropKeys = async (): Promise<void> => {
      const keys = await client.keys(`${REDIS_PREFIX}*`);
      for (let i = 0; i < keys.length; i += 1000) await client.del(...keys.slice(i, i + 1000));
    };
    await dropKeys();
    const store = new RedisStore({ redis: client, prefix: REDIS_PREFIX });
    const close = async (): Promise<void> => {
      await dropKeys().catch(() => {});
      client.disconnect();
    };
    return { store, batch: direct, close, cache };
  } catch (e) {
    client.disconnect();
    return `Redis at ${REDIS_URL}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
