import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore, type PostgresPool } from '../../src/store/sql/postgres.js';
import { SqliteStore, type SqliteDatabase } from '../../src/store/sql/sqlite.js';
import { grant } from '../../src/testing/fixtures.js';
import { dropSchema, postgresUrl, probePostgres } from '../support/servers.js';

/**
 * The SQL stores take a driver handle of the app's own, typed by its shape so that the package's
 * declarations need no @types package. The assignments below are checked by `tsc`: the drivers'
 * own types must stay assignable to those shapes.
 */

describe('SqliteStore on a better-sqlite3 Database of the app', () => {
  it('keeps its tables in that database and leaves it open on close', async () => {
    const db = new BetterSqlite3(':memory:');
    const handle: SqliteDatabase = db;
    const store = new SqliteStore({ database: handle });
    const g = grant();
    await store.putGrant(g);
    assert.deepEqual(await store.getGrant(g.id), g);
    assert.deepEqual(db.prepare('SELECT id FROM grantkit_grants').all(), [{ id: g.id }]);
    await store.close();
    assert.equal(db.open, true);
    db.close();
  });

  it('refuses a handle that is not one, by name', () => {
    const notADatabase: SqliteDatabase = JSON.parse('{"open":true}');
    assert.throws(() => new SqliteStore({ database: notADatabase }), {
      name: 'TypeError',
      message: 'SqliteStore: database must be a better-sqlite3 Database',
    });
  });
});

describe('PostgresStore on a pg Pool of the app', { skip: await probePostgres() }, () => {
  it('runs its statements on that pool and leaves it open on close', async () => {
    const schema = `gk_handle_${randomBytes(4).toString('hex')}`;
    const pool = new pg.Pool({ connectionString: postgresUrl });
    const handle: PostgresPool = pool;
    const store = new PostgresStore({ pool: handle, schema });
    try {
      await store.migrate();
      const g = grant();
      await store.putGrant(g);
      assert.deepEqual(await store.getGrant(g.id), g);
      await store.close();
      assert.equal(pool.ended, false);
      const { rows } = await pool.query(`SELECT id FROM "${schema}".grantkit_grants`);
      assert.deepEqual(rows, [{ id: g.id }]);
    } finally {
      await pool.end();
      await dropSchema(schema);
    }
  });

  it('refuses a pool that is not one, by name', () => {
    const notAPool: PostgresPool = JSON.parse('{"options":{},"ended":false}');
    assert.throws(() => new PostgresStore({ pool: notAPool }), {
      name: 'TypeError',
      message: 'PostgresStore: pool must be a pg Pool',
    });
  });
});
