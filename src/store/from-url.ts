import type { Store } from './store.js';

/**
 * A store from one string, as the example app and the CLI read it from `GRANTKIT_STORE`:
 *
 * - `memory`: a MemoryStore (nothing survives a restart);
 * - `sqlite:PATH`: a SqliteStore on the file PATH (`sqlite::memory:` for an in-memory database);
 * - `postgres://…` or `postgresql://…`: a PostgresStore; `?schema=NAME` picks the schema (default public);
 * - `redis://…` or `rediss://…`: a RedisStore; `?prefix=P` picks the key prefix (default `grantkit:`).
 *
 * The drivers are optional peer dependencies, so each store's module is imported only when asked
 * for, and a missing driver is reported by name. Errors never repeat the value: a URL may hold a
 * password.
 */
export async function storeFromUrl(url: string, variable = 'GRANTKIT_STORE'): Promise<Store> {
  const spec = parseStoreUrl(url, variable);
  switch (spec.kind) {
    case 'memory': {
      const { MemoryStore } = await load(() => import('./memory.js'), spec, variable);
      return new MemoryStore();
    }
    case 'sqlite': {
      const { SqliteStore } = await load(() => import('./sql/sqlite.js'), spec, variable);
      return new SqliteStore({ filename: spec.path });
    }
    case 'postgres': {
      const { PostgresStore } = await load(() => import('./sql/postgres.js'), spec, variable);
      return new PostgresStore({ connectionString: spec.url, ...(spec.schema === undefined ? {} : { schema: spec.schema }) });
    }
    case 'redis': {
      const { RedisStore } = await load(() => import('./redis/store.js'), spec, variable);
      return new RedisStore({ url: spec.url, ...(spec.prefix === undefined ? {} : { prefix: spec.prefix }) });
    }
  }
}

export type StoreSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string }
  | { readonly kind: 'redis'; readonly url: string; readonly prefix?: string };

/** The accepted forms, for error messages and --help. */
export const STORE_URL_FORMS = 'memory, sqlite:PATH, postgres://… (or postgresql://…, ?schema=NAME) or redis://… (?prefix=P)';

/** Parses without connecting. Throws a TypeError naming the variable, never echoing its value. */
export function parseStoreUrl(url: string, variable = 'GRANTKIT_STORE'): StoreSpec {
  const bad = (why: string): TypeError => new TypeError(`${variable}: ${why}; expected ${STORE_URL_FORMS}`);
  const value = url.trim();
  if (value === '') throw bad('it is empty');
  if (value === 'memory') return { kind: 'memory' };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') throw bad('sqlite: needs a file path, as in sqlite:./grantkit.db');
    return { kind: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'redis' || scheme === 'rediss') {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw bad(`it is not a valid ${scheme}:// URL`);
    }
    // Our own parameters are taken out: the drivers would pass unknown ones on to the server.
    const own = scheme.startsWith('postgres') ? 'schema' : 'prefix';
    const param = parsed.searchParams.get(own) ?? undefined;
    parsed.searchParams.delete(own);
    if (param === '') throw bad(`"${own}" is empty`);
    const rest = parsed.href;
    if (scheme.startsWith('postgres')) return { kind: 'postgres', url: rest, ...(param === undefined ? {} : { schema: param }) };
    return { kind: 'redis', url: rest, ...(param === undefined ? {} : { prefix: param }) };
  }
  // Only the scheme is shown: anything after it may be a credential.
  throw bad(scheme === undefined ? 'the value is not recognised' : `unknown scheme "${scheme}"`);
}

/** Stores that other instances can share: the example turns the grant cache on for them. */
export function isSharedStore(spec: StoreSpec): boolean {
  return spec.kind === 'postgres' || spec.kind === 'redis';
}

const DRIVER: Readonly<Record<StoreSpec['kind'], string | undefined>> = {
  memory: undefined,
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  redis: 'ioredis',
};

async function load<M>(importer: () => Promise<M>, spec: StoreSpec, variable: string): Promise<M> {
  try {
    return await importer();
  } catch (e) {
    const driver = DRIVER[spec.kind];
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    if (driver !== undefined && (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')) {
      throw new Error(`${variable} asks for a ${spec.kind} store, which needs the optional dependency "${driver}": npm install ${driver}`, {
        cause: e,
      });
    }
    throw e;
  }
}
