import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteStore, type SqliteStoreOptions } from '../../src/store/sql/sqlite.js';
import type { GrantRecord, TokenRecord } from '../../src/store/records.js';
import { grant, MINUTE, T0, token } from '../../src/testing/fixtures.js';

/**
 * The SQLite store's resolution cache: a repeat resolution is the same object (read from memory,
 * not the file: an uncached read builds a new one), and no write, wherever it is made, leaves a
 * resolution served that the file no longer gives.
 */

/** A grant and its access token, stored. */
async function issued(store: SqliteStore, over: Partial<TokenRecord> = {}): Promise<{ g: GrantRecord; t: TokenRecord }> {
  const g = grant();
  const t = token('access', { grantId: g.id, clientId: g.clientId, ...over }).record;
  await store.putGrant(g);
  await store.putToken(t);
  return { g, t };
}

/** A store whose version check is far apart: a test that sees a change at once did not owe it to that check. */
const SLOW_CHECK = { checkIntervalMs: 1000 } as const;

describe('the SQLite resolution cache, within one store', () => {
  const db = new BetterSqlite3(':memory:');
  const store = new SqliteStore({ database: db, cache: SLOW_CHECK });
  after(() => db.close());

  it('serves a repeat resolution from memory, and only successes', async () => {
    const { t } = await issued(store);
    const first = store.resolve(t.hash, T0);
    assert.ok(first);
    assert.equal(store.resolve(t.hash, T0), first, 'the same object: not read again');
    const unknown = token('access').record;
    assert.equal(store.resolve(unknown.hash, T0), undefined);
    // Written behind the store's back, then asked again: a cached miss would still say undefined.
    db.prepare('INSERT INTO grantkit_tokens (hash, kind, client_id, grant_id, family, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      unknown.hash, 'access', unknown.clientId, unknown.grantId, unknown.family, T0, T0 + MINUTE,
    );
    assert.ok(store.resolve(unknown.hash, T0));
  });

  it("drops what the store's own writes name at once, and keeps the rest", async () => {
    const kept = await issued(store);
    const keptFirst = store.resolve(kept.t.hash, T0);
    const cases: { name: string; write: (x: { g: GrantRecord; t: TokenRecord }) => Promise<unknown>; gone: boolean }[] = [
      { name: 'revokeToken', write: ({ t }) => store.revokeToken(t.hash), gone: true },
      { name: 'revokeFamily', write: ({ t }) => store.revokeFamily(t.family!), gone: true },
      { name: 'revokeGrantTokens', write: ({ g }) => store.revokeGrantTokens(g.id), gone: true },
      { name: 'deleteGrant', write: ({ g }) => store.deleteGrant(g.id), gone: true },
      { name: 'putGrant (status invalid)', write: ({ g }) => store.putGrant({ ...g, status: 'invalid' }), gone: false },
      { name: 'putToken (same hash, other scopes)', write: ({ t }) => store.putToken({ ...t, scopes: ['calendar'] }), gone: false },
    ];
    for (const c of cases) {
      const x = await issued(store);
      const before = store.resolve(x.t.hash, T0);
      assert.ok(before, c.name);
      await c.write(x);
      const now = store.resolve(x.t.hash, T0);
      if (c.gone) assert.equal(now, undefined, c.name);
      else assert.notEqual(now, before, `${c.name}: read again`);
    }
    assert.equal(store.resolve(kept.t.hash, T0), keptFirst, 'an unrelated entry survives the own writes');
  });

  it('empties at once when anything else writes through the same connection', async () => {
    const { g, t } = await issued(store);
    assert.ok(store.resolve(t.hash, T0));
    db.prepare("UPDATE grantkit_grants SET status = 'invalid' WHERE id = ?").run(g.id);
    assert.equal(store.resolve(t.hash, T0)?.grant?.status, 'invalid');
  });

  it("never serves an entry past its token's expiry", async () => {
    const { t } = await issued(store, { expiresAt: T0 + 1000 });
    assert.ok(store.resolve(t.hash, T0));
    // Well within the cache's own TTL: only the expiry can drop it.
    assert.equal(store.resolve(t.hash, T0 + 1000), undefined);
  });

  it('keeps nothing read inside a transaction that may still roll back', async () => {
    const t = token('access').record;
    db.exec('BEGIN');
    await store.putToken(t);
    assert.ok(store.resolve(t.hash, T0));
    db.exec('ROLLBACK');
    assert.equal(store.resolve(t.hash, T0), undefined);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const small = new SqliteStore({ database: db, cache: { maxEntries: 2, checkIntervalMs: 1000 } });
    const xs = [await issued(small), await issued(small), await issued(small)];
    const firsts = xs.map(({ t }) => small.resolve(t.hash, T0));
    assert.equal(small.resolve(xs[2]!.t.hash, T0), firsts[2]);
    assert.equal(small.resolve(xs[1]!.t.hash, T0), firsts[1]);
    assert.notEqual(small.resolve(xs[0]!.t.hash, T0), firsts[0], 'the oldest was dropped and read again');
  });

  it('is off with cache: false: every resolution reads the file', async () => {
    const uncached = new SqliteStore({ database: db, cache: false });
    const { t } = await issued(uncached);
    const first = uncached.resolve(t.hash, T0);
    assert.ok(first);
    assert.notEqual(uncached.resolve(t.hash, T0), first);
    assert.deepEqual(uncached.resolve(t.hash, T0), first);
  });

  it('refuses settings that would break its bound, by name, before opening anything', () => {
    const bad: { cache: SqliteStoreOptions['cache']; message: RegExp }[] = [
      { cache: { checkIntervalMs: 5000 }, message: /"cache\.checkIntervalMs" must be a number of milliseconds from 0 to 1000/ },
      { cache: { checkIntervalMs: Number.NaN }, message: /"cache\.checkIntervalMs"/ },
      { cache: { maxEntries: 0 }, message: /"cache\.maxEntries" must be a positive integer/ },
    ];
    const file = join(tmpdir(), `grantkit-never-created-${process.pid}.db`);
    for (const { cache, message } of bad) {
      assert.throws(() => new SqliteStore({ filename: file, cache }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message });
    }
    assert.equal(existsSync(file), false, 'no file was opened');
  });
});

describe('the SQLite resolution cache, across connections to one file', () => {
  let dir = '';
  let file = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-sqlite-cache-'));
    file = join(dir, 'grantkit.db');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("sees another connection's revocation through data_version once its check interval has passed", async () => {
    const here = new SqliteStore({ filename: file, cache: { checkIntervalMs: 100 } });
    const there = new SqliteStore({ filename: file, cache: false });
    try {
      const { t } = await issued(there);
      const first = here.resolve(t.hash, T0);
      assert.ok(first);
      assert.equal(here.resolve(t.hash, T0), first, 'cached');
      await there.revokeToken(t.hash);
      await sleep(150);
      // The entry would live on for the cache's TTL (5 s on this fixed clock: for ever) without the check.
      assert.equal(here.resolve(t.hash, T0), undefined);
    } finally {
      await here.close();
      await there.close();
    }
  });

  it('with checkIntervalMs 0, sees it on the next resolution', async () => {
    const here = new SqliteStore({ filename: file, cache: { checkIntervalMs: 0 } });
    const there = new SqliteStore({ filename: file });
    try {
      const { g, t } = await issued(there);
      assert.ok(here.resolve(t.hash, T0));
      await there.deleteGrant(g.id);
      assert.equal(here.resolve(t.hash, T0), undefined);
    } finally {
      await here.close();
      await there.close();
    }
  });
});
