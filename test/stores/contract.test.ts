import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../../src/store/contract.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite.js';

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
