import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { MIGRATIONS } from '../../src/store/sql/migrations.js';

/** The test server: CI provides it; elsewhere the suites skip when it is not there. */
export const postgresUrl = process.env['GRANTKIT_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A skip reason when PostgreSQL is unreachable, or false to run. In CI it always runs, so a
 * missing server fails the suite instead of silently skipping it.
 */
export async function probePostgres(): Promise<string | false> {
  if (process.env['CI']) return false;
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return false;
  } catch (err) {
    return `PostgreSQL not reachable at ${new URL(postgresUrl).host} (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}

export const redisUrl = process.env['GRANTKIT_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** As probePostgres, for Redis. */
export async function probeRedis(): Promise<string | false> {
  if (process.env['CI']) return false;
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return false;
  } catch (err) {
    const url = new URL(redisUrl);
    return `Redis not reachable at ${url.host} (${(err as Error).message})`;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under a test run's prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', prefix.replace(/[*?[\]\\]/g, '\\$&') + '*', 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A GRANTKIT_STORE URL for a fresh store of that kind, and how to remove it afterwards. */
export interface FreshStoreUrl {
  readonly url: string;
  readonly cleanup: () => Promise<void>;
}

/** A new PostgreSQL schema, as a `?schema=` URL: each run gets its own, dropped at the end. */
export function freshPostgresUrl(): FreshStoreUrl {
  const schema = `gk_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  return { url: url.href, cleanup: () => dropSchema(schema) };
}

/** A new Redis key prefix, as a `?prefix=` URL: each run gets its own, its keys deleted at the end. */
export function freshRedisUrl(): FreshStoreUrl {
  const prefix = `gk_test_${randomBytes(6).toString('hex')}:`;
  const url = new URL(redisUrl);
  url.searchParams.set('prefix', prefix);
  return { url: url.href, cleanup: () => deleteKeys(prefix) };
}

/** A new SQLite file in a directory of its own, as a `sqlite:` URL: the directory is removed at the end. */
export async function freshSqliteUrl(): Promise<FreshStoreUrl> {
  const dir = await mkdtemp(join(tmpdir(), 'grantkit-sqlite-'));
  return { url: `sqlite:${join(dir, 'grantkit.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Makes `schema` a database as the first release left it: migrations 1 and 2 applied and recorded,
 * nothing after. The client's search_path is left on that schema, so the caller can insert old rows.
 */
export async function firstReleaseSchema(client: pg.Client, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.query(`SET search_path TO "${schema}"`);
  await client.query('CREATE TABLE grantkit_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.id <= 2)) {
    await client.query(m.sql);
    await client.query('INSERT INTO grantkit_migrations (id, name, applied_at) VALUES ($1, $2, 0)', [m.id, m.name]);
  }
}
