import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createGrantKit, MemoryStore, type NativeProvider, type Store } from '../../src/index.js';
import { PostgresStore } from '../../src/store/sql/postgres.js';
import { RedisStore } from '../../src/store/redis/store.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl } from '../support/servers.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, SECRET_KEY } from '../support/helpers.js';

/**
 * After a full native flow, everything a store holds is searched for the secrets that went
 * through it: codes, access tokens, an API key, the user's password and the provider refresh
 * token. Only hashes and sealed values may be there.
 */
function dumpHoldsNoSecret(name: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>, skip: string | false): void {
  it(`${name}: a dump after a full flow holds no secret in plaintext`, { skip }, async () => {
    const { store, cleanup } = await open();
    const password = `pw-${randomUUID()}`;
    const providerRefreshToken = `1//prt-${randomUUID()}`;
    // A provider that keeps both a password and a refresh token, as IMAP and Google grants do.
    const provider: NativeProvider = {
      name: 'sandbox',
      organizationUnit: 'folder',
      async verify({ email, settings }) {
        assert.equal(settings['password'], password);
        return { email, settings: { password, refresh_token: providerRefreshToken } };
      },
    };
    const kit = createGrantKit({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }], secretKeys: [SECRET_KEY], providers: [provider], store });
    try {
      const app = makeApp(kit);
      const secrets: string[] = [password, providerRefreshToken];
      const authorize = async (email: string): Promise<string> => {
        const r = await request(app)
          .post('/connect/authorize')
          .send({ client_id: CLIENT_ID, email_address: email, provider: 'sandbox', settings: { password } });
        assert.equal(r.status, 200);
        secrets.push(r.body.code);
        return r.body.code as string;
      };
      const redeem = (code: string) => request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code });

      const code = await authorize('dump@example.com');
      const first = await redeem(code);
      assert.equal(first.status, 200);
      secrets.push(first.body.access_token);
      assert.equal((await request(app).get('/account').set('authorization', `Bearer ${first.body.access_token}`)).status, 200);
      assert.equal((await redeem(code)).status, 400); // a replay: kills the first token
      // Re-authorization of the same address, a token kept, another revoked.
      const kept = await redeem(await authorize('dump@example.com'));
      const revoked = await redeem(await authorize('dump@example.com'));
      secrets.push(kept.body.access_token, revoked.body.access_token);
      assert.equal((await request(app).post('/oauth/revoke').set('authorization', `Bearer ${revoked.body.access_token}`)).status, 200);
      await authorize('pending@example.com'); // a code left unredeemed
      const apiKey = await kit.apiKeys.create({ label: 'dump' });
      secrets.push(apiKey.key);

      assert.ok(store.dump, `${name} has no dump()`);
      const text = JSON.stringify(await store.dump());
      assert.ok(text.includes('dump@example.com'), 'the dump holds the data');
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `the dump holds a secret in plaintext (${secret.slice(0, 8)}…)`);
        // The random part alone neither, as a store stripping prefixes would keep it.
        const random = secret.replace(/^gk_[a-z]+_/, '');
        assert.ok(!text.includes(random), `the dump holds the random part of ${secret.slice(0, 8)}…`);
      }
      assert.ok(!/"password"/.test(text) && !/refresh_token/.test(text), 'provider settings appear unsealed');
    } finally {
      await kit.close();
      await cleanup();
    }
  });
}

describe('secrets at rest, after a full flow, on every store', async () => {
  dumpHoldsNoSecret('memory', async () => ({ store: new MemoryStore(), cleanup: async () => {} }), false);
  dumpHoldsNoSecret(
    'SQLite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'grantkit-dump-'));
      return { store: new SqliteStore({ filename: join(dir, 'grantkit.db') }), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
    false,
  );
  dumpHoldsNoSecret(
    'PostgreSQL',
    async () => {
      const schema = `gk_test_${randomBytes(6).toString('hex')}`;
      const store = new PostgresStore({ connectionString: postgresUrl, schema });
      await store.migrate();
      return { store, cleanup: () => dropSchema(schema) };
    },
    await probePostgres(),
  );
  dumpHoldsNoSecret(
    'Redis',
    async () => {
      const prefix = `gk_test_${randomBytes(6).toString('hex')}:`;
      return { store: new RedisStore({ url: redisUrl, prefix }), cleanup: () => deleteKeys(prefix) };
    },
    await probeRedis(),
  );
});
