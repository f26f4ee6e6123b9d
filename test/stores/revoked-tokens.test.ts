import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { Redis } from 'ioredis';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../../src/crypto/tokens.js';
import { MemoryStore } from '../../src/store/memory.js';
import { PostgresStore } from '../../src/store/sql/postgres.js';
import { RedisStore } from '../../src/store/redis/store.js';
import { REVOKED_TOKEN_RETENTION_MS } from '../../src/store/revoked-family.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';
import type { TokenRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl } from '../support/servers.js';

/**
 * Tombstones of revoked tokens (revoked-family.ts) are garbage: each store collects them after
 * REVOKED_TOKEN_RETENTION_MS of wall-clock time, in its write sweep (memory, SQLite, PostgreSQL)
 * or by a key TTL (Redis). The store contract checks that they are kept; this, that they go.
 */

const HOUR = 60 * 60 * 1000;
/** The SQL stores sweep once every this many token writes. */
const SWEEP_EVERY = 1000;

function accessToken(createdAt: number): TokenRecord {
  return {
    hash: hashSecret(newSecret(TOKEN_PREFIX.access)),
    kind: 'access',
    clientId: 'client-tombstones',
    grantId: `grant-${randomUUID()}`,
    family: null,
    createdAt,
    expiresAt: null,
    data: null,
  };
}

/**
 * Revokes a token now, then, a retention and an hour later (the wall clock mocked), revokes another
 * and writes enough tokens to run the sweep: the old tombstone is gone, the young one stays.
 */
async function collectsAfterRetention(store: Store, writesToSweep: number): Promise<void> {
  assert.ok(store.knows);
  const start = Date.now();
  const old = accessToken(start);
  await store.putToken(old);
  await store.revokeToken(old.hash);
  assert.equal(await store.knows(old.hash), true);
  const later = start + REVOKED_TOKEN_RETENTION_MS + HOUR;
  mock.timers.enable({ apis: ['Date'], now: later });
  try {
    const young = accessToken(later);
    await store.putToken(young);
    await store.revokeToken(young.hash);
    for (let i = 0; i < writesToSweep; i++) await store.putToken({ ...accessToken(later), expiresAt: later + HOUR });
    assert.equal(await store.knows(old.hash), false, 'a tombstone older than the retention is collected');
    assert.equal(await store.knows(young.hash), true, 'a younger one is kept');
  } finally {
    mock.timers.reset();
  }
}

describe('tombstones of revoked tokens are collected after the retention', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('memory: by the write sweep', async () => {
    await collectsAfterRetention(new MemoryStore(), 1);
  });

  it('SQLite: by the write sweep', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantkit-tombstones-'));
    const store = new SqliteStore({ filename: join(dir, 'grantkit.db') });
    cleanups.push(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    await collectsAfterRetention(store, SWEEP_EVERY);
  });

  it('PostgreSQL: by the write sweep', async (t) => {
    const reason = await probePostgres();
    if (reason) return t.skip(reason);
    const schema = `gk_tomb_${randomBytes(6).toString('hex')}`;
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    cleanups.push(async () => {
      await store.close();
      await dropSchema(schema);
    });
    await store.migrate();
    await collectsAfterRetention(store, SWEEP_EVERY);
  });

  it('Redis: each tombstone is a key that expires with the retention', async (t) => {
    const reason = await probeRedis();
    if (reason) return t.skip(reason);
    const prefix = `gk_tomb_${randomBytes(6).toString('hex')}:`;
    const store = new RedisStore({ url: redisUrl, prefix });
    const redis = new Redis(redisUrl);
    cleanups.push(async () => {
      redis.disconnect();
      await store.close();
      await deleteKeys(prefix);
    });
    const byToken = accessToken(Date.now());
    const byGrant = accessToken(Date.now());
    for (const tk of [byToken, byGrant]) await store.putToken(tk);
    await store.revokeToken(byToken.hash);
    await store.revokeGrantTokens(byGrant.grantId!);
    for (const tk of [byToken, byGrant]) {
      assert.equal(await store.knows(tk.hash), true);
      const ttl = await redis.pttl(`${prefix}rt:${tk.hash}`);
      assert.ok(ttl > REVOKED_TOKEN_RETENTION_MS - 60_000 && ttl <= REVOKED_TOKEN_RETENTION_MS, `TTL ${ttl}`);
    }
  });
});
