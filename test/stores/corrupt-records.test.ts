import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { createGrantKit, GrantKitError, hashSecret, sandboxProvider } from '../../src/index.js';
import type { GrantRecord, TokenRecord } from '../../src/store/records.js';
import { RedisStore } from '../../src/store/redis/store.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';
import type { ConnectorRecord } from '../../src/connectors/connector-records.js';

// A record read back from a store is checked against the shape it was written in: a row edited by
// hand or written by another program is a store error, never a record the kit acts on.

const NOW = 1_700_000_000_000;
const DOES_NOT_PARSE = /does not parse|is not a row/;

const grant = (id: string): GrantRecord => ({
  id,
  clientId: 'client-corrupt',
  provider: 'google',
  email: `${id}@example.com`,
  name: 'Ada',
  scopes: ['email'],
  status: 'valid',
  settings: null,
  createdAt: NOW,
  updatedAt: NOW,
});

const accessToken = (hash: string, grantId: string): TokenRecord => ({
  hash,
  kind: 'access',
  clientId: 'client-corrupt',
  grantId,
  family: null,
  createdAt: NOW,
  expiresAt: null,
  data: null,
});

const connector = (provider: string): ConnectorRecord => ({
  id: `connector-${provider}`,
  provider,
  name: 'c',
  clientId: null,
  clientSecret: null,
  settings: { tenant: 'common' },
  defaultScopes: [],
  allowedScopes: null,
  endpoints: null,
  activeCredentialId: null,
  owner: null,
  clients: null,
  createdAt: NOW,
  updatedAt: NOW,
});

describe('SQLite: a row that does not parse is a store error', () => {
  const db = new Database(':memory:');
  const store = new SqliteStore({ database: db });
  after(() => db.close());

  it('a grant whose status is outside its enumeration: get, find and list reject', async () => {
    await store.putGrant(grant('g-status'));
    db.prepare("UPDATE grantkit_grants SET status = 'suspended' WHERE id = 'g-status'").run();
    await assert.rejects(store.getGrant('g-status'), DOES_NOT_PARSE);
    await assert.rejects(store.findGrantByEmail('client-corrupt', 'g-status@example.com'), DOES_NOT_PARSE);
    await assert.rejects(store.listGrants({ clientId: 'client-corrupt' }), DOES_NOT_PARSE);
  });

  it('a token of an unknown kind: consume and revokeToken reject', async () => {
    await store.putToken({ ...accessToken('h-kind', 'g-none'), kind: 'code' });
    db.prepare("UPDATE grantkit_tokens SET kind = 'codes' WHERE hash = 'h-kind'").run();
    await assert.rejects(store.consume('h-kind', NOW), DOES_NOT_PARSE);
    await assert.rejects(store.revokeToken('h-kind'), DOES_NOT_PARSE);
  });

  it('a token whose grant has scopes that are not a JSON list: resolve throws, synchronously', async () => {
    await store.putGrant(grant('g-scopes'));
    await store.putToken(accessToken('h-scopes', 'g-scopes'));
    assert.ok(store.resolve('h-scopes', NOW), 'resolves while the rows are whole');
    db.prepare(`UPDATE grantkit_grants SET scopes = '{"email":true}' WHERE id = 'g-scopes'`).run();
    assert.throws(() => store.resolve('h-scopes', NOW), DOES_NOT_PARSE);
  });

  it('a revocation of a token that does not parse leaves it where it was, with no tombstone', async () => {
    await store.putToken(accessToken('h-kept', 'g-none'));
    db.prepare("UPDATE grantkit_tokens SET created_at = 'yesterday' WHERE hash = 'h-kept'").run();
    await assert.rejects(store.revokeToken('h-kept'), DOES_NOT_PARSE);
    assert.deepEqual(db.prepare("SELECT count(*) AS n FROM grantkit_tokens WHERE hash = 'h-kept'").get(), { n: 1 });
    assert.deepEqual(db.prepare("SELECT count(*) AS n FROM grantkit_revoked_tokens WHERE hash = 'h-kept'").get(), { n: 0 });
  });

  it('a connector whose settings hold a value that is not a string: get and list reject', async () => {
    await store.putConnector(connector('p-settings'));
    db.prepare(`UPDATE grantkit_connectors SET settings = '{"tenant":1}' WHERE provider = 'p-settings'`).run();
    await assert.rejects(store.getConnector('p-settings', null), DOES_NOT_PARSE);
    await assert.rejects(store.listConnectors(), DOES_NOT_PARSE);
  });

  it('the kit answers a request whose grant row does not parse with the store error (503), never a grant', async () => {
    const kit = createGrantKit({
      clients: [{ id: 'client-corrupt' }],
      providers: [sandboxProvider()],
      store: new SqliteStore({ database: db }),
      secretKeys: 'corrupt-records-secret-key-0123456789abcdef',
      clock: () => NOW,
      onError: () => {},
    });
    await kit.ready();
    await kit.store.putGrant(grant('g-kit'));
    const token = `gk_at_${randomBytes(24).toString('base64url')}`;
    await kit.store.putToken(accessToken(hashSecret(token), 'g-kit'));
    const whole = kit.authenticate(`Bearer ${token}`, '/messages');
    assert.ok(!(whole instanceof Promise) && !(whole instanceof GrantKitError), 'the grant is served while its row is whole');
    db.prepare("UPDATE grantkit_grants SET status = 'suspended' WHERE id = 'g-kit'").run();
    const outcome = kit.authenticate(`Bearer ${token}`, '/messages');
    assert.ok(!(outcome instanceof Promise), 'SQLite answers synchronously');
    assert.ok(outcome instanceof GrantKitError);
    assert.equal(outcome.code, 'store_unavailable');
    assert.equal(outcome.status, 503);
  });
});

describe('Redis: a record that does not parse is a store error', async () => {
  const url = process.env['GRANTKIT_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `grantkit-corrupt-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  redis.on('error', () => {});
  // In CI the server is always there, so a missing one fails instead of skipping.
  const reachable = await redis.connect().then(
    () => true,
    () => false,
  );
  const skip = reachable || process.env['CI'] ? false : `Redis not reachable at ${new URL(url).host}`;
  let store: RedisStore;

  before(() => {
    store = new RedisStore({ redis, prefix });
  });
  after(async () => {
    if (!reachable) return;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('a grant whose JSON has a field of the wrong type: get and resolve reject', { skip }, async () => {
    await store.putGrant(grant('g-redis'));
    await store.putToken(accessToken('h-redis', 'g-redis'));
    assert.ok(await store.resolve('h-redis', NOW));
    await redis.hset(`${prefix}g:g-redis`, 'j', JSON.stringify({ ...grant('g-redis'), scopes: 'email' }));
    await assert.rejects(store.getGrant('g-redis'), DOES_NOT_PARSE);
    await assert.rejects(store.resolve('h-redis', NOW), DOES_NOT_PARSE);
  });

  it('a token whose JSON is not JSON: consume rejects', { skip }, async () => {
    await store.putToken({ ...accessToken('h-code', 'g-redis'), kind: 'code' });
    await redis.hset(`${prefix}t:h-code`, 'r', '{"hash":');
    await assert.rejects(store.consume('h-code', NOW), DOES_NOT_PARSE);
  });
});
