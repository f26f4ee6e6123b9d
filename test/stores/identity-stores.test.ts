import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { MIGRATIONS } from '../../src/store/sql/migrations.js';
import { PostgresStore } from '../../src/store/sql/postgres.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';
import type { GrantRecord, TokenRecord } from '../../src/store/records.js';
import { dropSchema, postgresUrl, probePostgres, firstReleaseSchema } from '../support/servers.js';

/** Data written before grants recorded their proof and tokens their scopes. */
const LEGACY_GRANT: GrantRecord = {
  id: 'legacy-grant',
  clientId: 'legacy-client',
  provider: 'imap',
  email: 'Old@Example.com',
  name: 'Old',
  scopes: ['email.read_only'],
  status: 'valid',
  settings: null,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};
const LEGACY_TOKEN: TokenRecord = {
  hash: 'legacy-token-hash',
  kind: 'access',
  clientId: 'legacy-client',
  grantId: 'legacy-grant',
  family: null,
  createdAt: 1_700_000_000_000,
  expiresAt: null,
  data: null,
};
const PROOF = { subject: 'imap:imap.example.com|old', strength: 'unverified', method: 'imap' } as const;

/** What every store must then do: read the old rows as having no proof and no token scopes, and keep new ones. */
async function checkUpgraded(store: PostgresStore | SqliteStore): Promise<void> {
  const g = await store.getGrant(LEGACY_GRANT.id);
  assert.deepEqual(g, LEGACY_GRANT);
  assert.equal(g?.identity ?? null, null, 'no recorded proof: unverified until the next sign-in');
  assert.deepEqual(await store.findGrantByEmail('legacy-client', 'old@EXAMPLE.com'), LEGACY_GRANT);
  const r = await store.resolve(LEGACY_TOKEN.hash, LEGACY_TOKEN.createdAt + 1);
  assert.deepEqual(r?.token, LEGACY_TOKEN);
  assert.equal(r?.token.scopes ?? null, null, 'an old token acts with its grant scopes');
  const reproven = { ...LEGACY_GRANT, identity: PROOF, updatedAt: LEGACY_GRANT.updatedAt + 1 };
  await store.putGrant(reproven);
  assert.deepEqual(await store.getGrant(LEGACY_GRANT.id), reproven);
  const scoped: TokenRecord = { ...LEGACY_TOKEN, hash: 'new-token-hash', scopes: ['email.read_only'] };
  await store.putToken(scoped);
  assert.deepEqual((await store.resolve(scoped.hash, scoped.createdAt + 1))?.token, scoped);
}

const pgSkip = await probePostgres();

describe('grants and tokens stored before identities and token scopes were recorded', () => {
  it('PostgreSQL: `grantkit migrate` appends the migration that adds them, and old rows read as unverified grants and grant-scoped tokens', { skip: pgSkip }, async () => {
    const schema = `gk_identity_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      // A database at the previous release: migrations 1 and 2 applied, one grant and one token in it.
      await firstReleaseSchema(client, schema);
      const g = LEGACY_GRANT;
      await client.query(
        `INSERT INTO grantkit_grants (id, client_id, provider, email, email_lower, name, scopes, status, settings, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [g.id, g.clientId, g.provider, g.email, g.email.toLowerCase(), g.name, g.scopes, g.status, g.settings, g.createdAt, g.updatedAt],
      );
      const t = LEGACY_TOKEN;
      await client.query(
        `INSERT INTO grantkit_tokens (hash, kind, client_id, grant_id, family, created_at, expires_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [t.hash, t.kind, t.clientId, t.grantId, t.family, t.createdAt, t.expiresAt, t.data],
      );
    } finally {
      await client.end();
    }
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    try {
      // Every migration after the previous release, this one among them.
      const applied = await store.migrate();
      assert.deepEqual(applied, MIGRATIONS.filter((m) => m.id > 2).map((m) => m.name));
      assert.ok(Array.isArray(applied) && applied.includes('grant identity and token scopes'));
      await checkUpgraded(store);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('SQLite: a file made by the previous release gains the columns on open, and old rows read as unverified grants and grant-scoped tokens', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantkit-identity-'));
    const file = join(dir, 'old.db');
    try {
      const db = new BetterSqlite3(file);
      db.exec(`
        CREATE TABLE grantkit_grants (id TEXT PRIMARY KEY, client_id TEXT NOT NULL, provider TEXT NOT NULL, email TEXT NOT NULL,
          email_lower TEXT NOT NULL, name TEXT NOT NULL, scopes TEXT NOT NULL, status TEXT NOT NULL, settings TEXT,
          created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE grantkit_tokens (hash TEXT PRIMARY KEY, kind TEXT NOT NULL, client_id TEXT NOT NULL, grant_id TEXT, family TEXT,
          created_at INTEGER NOT NULL, expires_at INTEGER, data TEXT, consumed_at INTEGER);`);
      const g = LEGACY_GRANT;
      db.prepare('INSERT INTO grantkit_grants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        g.id, g.clientId, g.provider, g.email, g.email.toLowerCase(), g.name, JSON.stringify(g.scopes), g.status, g.settings, g.createdAt, g.updatedAt,
      );
      const t = LEGACY_TOKEN;
      db.prepare('INSERT INTO grantkit_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)').run(t.hash, t.kind, t.clientId, t.grantId, t.family, t.createdAt, t.expiresAt, t.data);
      db.close();
      const store = new SqliteStore({ filename: file });
      try {
        await checkUpgraded(store);
      } finally {
        await store.close();
      }
      // Opening again finds the columns there and keeps what was written.
      const again = new SqliteStore({ filename: file });
      try {
        assert.deepEqual((await again.getGrant(LEGACY_GRANT.id))?.identity, PROOF);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
