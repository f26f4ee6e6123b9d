import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../src/store/memory.js';
import { parseStoreUrl, storeFromUrl } from '../../src/store/from-url.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';

describe('GRANTKIT_STORE parsing', () => {
  it('reads every documented form', () => {
    assert.deepEqual(parseStoreUrl('memory'), { kind: 'memory' });
    assert.deepEqual(parseStoreUrl('sqlite:./grantkit.db'), { kind: 'sqlite', path: './grantkit.db' });
    assert.deepEqual(parseStoreUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseStoreUrl('postgres://u:p@db:5432/app?schema=tenant_1&sslmode=require'), {
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/app?sslmode=require',
      schema: 'tenant_1',
    });
    assert.deepEqual(parseStoreUrl('postgresql://db/app'), { kind: 'postgres', url: 'postgresql://db/app' });
    assert.deepEqual(parseStoreUrl('redis://:pw@cache:6379/2?prefix=app1:'), { kind: 'redis', url: 'redis://:pw@cache:6379/2', prefix: 'app1:' });
    assert.deepEqual(parseStoreUrl('rediss://cache'), { kind: 'redis', url: 'rediss://cache' });
  });

  it('names the variable and never echoes a value that may hold a password', () => {
    for (const bad of ['', 'sqlite:', 'mysql://root:hunter2@db/app', 'hunter2', 'postgres://x?schema=']) {
      assert.throws(
        () => parseStoreUrl(bad),
        (e: Error) => e instanceof TypeError && /^GRANTKIT_STORE: /.test(e.message) && !e.message.includes('hunter2'),
        JSON.stringify(bad),
      );
    }
    assert.throws(() => parseStoreUrl('mysql://root:hunter2@db/app'), /unknown scheme "mysql"/);
  });

  it('builds memory and SQLite stores', async () => {
    assert.ok((await storeFromUrl('memory')) instanceof MemoryStore);
    const sqlite = await storeFromUrl('sqlite::memory:');
    assert.ok(sqlite instanceof SqliteStore);
    await sqlite.close?.();
    await assert.rejects(storeFromUrl('ftp://x'), /GRANTKIT_STORE/);
  });
});
