import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Redis } from 'ioredis';
import { storeContract, type LegacyConnectorRows } from '../../src/testing/index.js';
import type { ConnectorRecord, CredentialRecord } from '../../src/connectors/connector-records.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';
import { PostgresStore } from '../../src/store/sql/postgres.js';
import { RedisStore } from '../../src/store/redis/store.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl, firstReleaseSchema } from '../support/servers.js';

storeContract('memory', async () => ({
  store: new MemoryStore(),
  cleanup: async () => {},
  // Nothing persists in memory: the old rows are records from a caller that predates owners.
  legacy: async (rows) => {
    const store = new MemoryStore();
    for (const c of rows.connectors) await store.putConnector(c as ConnectorRecord);
    for (const c of rows.credentials) await store.putCredential(c as CredentialRecord);
    return { store, cleanup: async () => {} };
  },
}));

/** The SQLite connector tables as the version before connector owners created them. */
const SQLITE_V1_CONNECTORS = `
CREATE TABLE grantkit_connectors (
  seq INTEGER PRIMARY KEY, provider TEXT NOT NULL UNIQUE, id TEXT NOT NULL, name TEXT NOT NULL, client_id TEXT,
  client_secret TEXT, settings TEXT NOT NULL, default_scopes TEXT NOT NULL, allowed_scopes TEXT, endpoints TEXT,
  active_credential_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE grantkit_credentials (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  data TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE INDEX grantkit_credentials_provider ON grantkit_credentials (provider, seq);
`;

/** An old row's values in column order; lists as `list` encodes them. */
function oldConnectorValues(c: LegacyConnectorRows['connectors'][number], list: (l: readonly string[]) => unknown): unknown[] {
  return [
    c.provider, c.id, c.name, c.clientId, c.clientSecret, JSON.stringify(c.settings), list(c.defaultScopes),
    c.allowedScopes === null ? null : list(c.allowedScopes), c.endpoints === null ? null : JSON.stringify(c.endpoints),
    c.activeCredentialId, c.createdAt, c.updatedAt,
  ];
}
const OLD_CONNECTOR_COLUMNS =
  'provider, id, name, client_id, client_secret, settings, default_scopes, allowed_scopes, endpoints, active_credential_id, created_at, updated_at';
const oldCredentialValues = (c: LegacyConnectorRows['credentials'][number]): unknown[] => [
  c.id, c.provider, c.name, c.type, c.data, c.createdAt, c.updatedAt,
];
const OLD_CREDENTIAL_COLUMNS = 'id, provider, name, type, data, created_at, updated_at';

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'grantkit-sqlite-'));
  const store = new SqliteStore({ filename: join(dir, 'grantkit.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
    legacy: (rows) => legacySqliteFile(rows, {}),
  };
});

// The resolution cache is on by default (above); the store must keep every promise without it too.
storeContract('sqlite, cache off', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'grantkit-sqlite-uncached-'));
  const store = new SqliteStore({ filename: join(dir, 'grantkit.db'), cache: false });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
    legacy: (rows) => legacySqliteFile(rows, { cache: false }),
  };
});

/** A file written by the version before owners, then opened by this one with `options`. */
async function legacySqliteFile(rows: LegacyConnectorRows, options: { readonly cache?: false }): Promise<{ store: SqliteStore; cleanup: () => Promise<void> }> {
  const old = await mkdtemp(join(tmpdir(), 'grantkit-sqlite-legacy-'));
  const file = join(old, 'grantkit.db');
  const db = new BetterSqlite3(file);
  db.exec(SQLITE_V1_CONNECTORS);
  for (const c of rows.connectors) {
    db.prepare(`INSERT INTO grantkit_connectors (${OLD_CONNECTOR_COLUMNS}) VALUES (${'?, '.repeat(11)}?)`).run(...oldConnectorValues(c, (l) => JSON.stringify(l)));
  }
  for (const c of rows.credentials) {
    db.prepare(`INSERT INTO grantkit_credentials (${OLD_CREDENTIAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(...oldCredentialValues(c));
  }
  db.close();
  return { store: new SqliteStore({ filename: file, ...options }), cleanup: () => rm(old, { recursive: true, force: true }) };
}

storeContract(
  'postgres',
  async () => {
    const schema = `gk_test_${randomBytes(6).toString('hex')}`;
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    await store.migrate();
    // Twice: migrations are idempotent.
    await store.migrate();
    return {
      store,
      // Another instance on the same schema: the NOTIFYs it sends must reach this one's listeners.
      peer: async () => new PostgresStore({ connectionString: postgresUrl, schema }),
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
      // A schema migrated by the version before owners (migrations 1 and 2), then by this one.
      legacy: async (rows) => {
        const old = `gk_test_${randomBytes(6).toString('hex')}`;
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          await firstReleaseSchema(client, old);
          for (const c of rows.connectors) {
            await client.query(
              `INSERT INTO grantkit_connectors (${OLD_CONNECTOR_COLUMNS}) VALUES (${Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(', ')})`,
              oldConnectorValues(c, (l) => [...l]),
            );
          }
          for (const c of rows.credentials) {
            await client.query(`INSERT INTO grantkit_credentials (${OLD_CREDENTIAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, oldCredentialValues(c));
          }
        } finally {
          await client.end();
        }
        const upgraded = new PostgresStore({ connectionString: postgresUrl, schema: old });
        await upgraded.migrate();
        return { store: upgraded, cleanup: () => dropSchema(old) };
      },
    };
  },
  { skip: await probePostgres() },
);

storeContract(
  'redis',
  async () => {
    const prefix = `gk_test_${randomBytes(6).toString('hex')}:`;
    const store = new RedisStore({ url: redisUrl, prefix });
    return {
      store,
      peer: async () => new RedisStore({ url: redisUrl, prefix }),
      cleanup: async () => {
        await store.close();
        await deleteKeys(prefix);
      },
      // Keys as the version before owners wrote them (its JSON has no owner or clients).
      legacy: async (rows) => {
        const old = `gk_test_${randomBytes(6).toString('hex')}:`;
        const redis = new Redis(redisUrl);
        try {
          for (const c of rows.connectors) {
            await redis.set(`${old}cn:${c.provider}`, JSON.stringify(c));
            await redis.zadd(`${old}connectors`, await redis.incr(`${old}cseq`), c.provider);
          }
          for (const c of rows.credentials) {
            const seq = await redis.incr(`${old}cseq`);
            await redis.hset(`${old}cr:${c.id}`, 'j', JSON.stringify(c), 'p', c.provider, 's', seq);
            await redis.zadd(`${old}crp:${c.provider}`, seq, c.id);
          }
        } finally {
          redis.disconnect();
        }
        return { store: new RedisStore({ url: redisUrl, prefix: old }), cleanup: () => deleteKeys(old) };
      },
    };
  },
  { skip: await probeRedis() },
);
