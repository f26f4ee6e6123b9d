import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../../src/store/contract.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { RedisStore } from '../../src/store/redis.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl } from './servers.js';

storeContract('memory', async () => ({ store: new MemoryStore(), cleanup: async () => {} }));

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'grantkit-sqlite-'));
  const store = new SqliteStore({ filename: join(dir, 'grantkit.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

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
    };
  },
  { skip: await probeRedis() },
);
