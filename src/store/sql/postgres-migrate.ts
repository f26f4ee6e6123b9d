import type { Pool } from 'pg';
import * as z from 'zod';
import { parseStored } from '../stored.js';
import { MIGRATIONS } from './migrations.js';
import { quoteIdent } from './postgres-statements.js';

const appliedRow = z.object({ id: z.number() });

/**
 * Creates the schema and applies the migrations it has not seen, each recorded in
 * `grantkit_migrations`. Idempotent, and safe when several instances start at once (an advisory
 * lock serialises them). Returns the names of the migrations it applied.
 */
export async function migratePostgres(pool: Pool, schemaName: string): Promise<string[]> {
  const schema = quoteIdent(schemaName);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('BEGIN');
    // DDL may wait on locks far longer than a request would.
    await client.query('SET LOCAL statement_timeout = 0');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`grantkit.migrate:${schemaName}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS grantkit_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const rows: readonly unknown[] = (await client.query('SELECT id FROM grantkit_migrations')).rows;
    const done = new Set(rows.map((r) => parseStored(appliedRow, r, 'migration').id));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO grantkit_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, Date.now()]);
      applied.push(m.name);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
