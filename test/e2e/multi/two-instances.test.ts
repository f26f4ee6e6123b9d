import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../../../src/crypto/tokens.js';
import { storeFromUrl } from '../../../src/store/from-url.js';
import type { Store } from '../../../src/store/store.js';
import { freshPostgresUrl, freshRedisUrl, freshSqliteUrl, probePostgres, probeRedis, type FreshStoreUrl } from '../../support/servers.js';
import { accessToken, APP_ENV, authorize, call, redeem, startApp, within, type AppProcess } from '../../support/processes.js';

const run = promisify(execFile);

/**
 * Two real app processes (the Express example) sharing one PostgreSQL schema, one Redis key prefix,
 * then one SQLite file: what one instance does, the other sees. Each caches resolutions: on
 * PostgreSQL and Redis the kit's grant cache, told of changes by the store's broadcast; on SQLite
 * the store's own cache, which has no broadcast and learns of the other process's writes from the
 * file (PRAGMA data_version).
 */
function twoInstances(name: string, makeUrl: () => FreshStoreUrl | Promise<FreshStoreUrl>, skip: string | false): void {
  describe(`two app processes sharing ${name}`, { skip }, () => {
    let a: AppProcess;
    let b: AppProcess;
    let store: Store;
    let url = '';
    let cleanup: () => Promise<void> = async () => {};

    before(async () => {
      ({ url, cleanup } = await makeUrl());
      // Both migrate at start-up, at the same time: the advisory lock must serialise them.
      [a, b] = await Promise.all([startApp({ GRANTKIT_STORE: url }), startApp({ GRANTKIT_STORE: url })]);
      store = await storeFromUrl(url);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await store?.close?.();
      await cleanup();
    });

    it('20 concurrent redemptions of one code, spread over both, give exactly one success', async () => {
      const code = await authorize(a.url, `race-${randomUUID()}@example.com`);
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(i % 2 === 0 ? a.url : b.url, code)));
      const statuses = replies.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 400).length, 19, statuses.join(','));
    });

    it('20 concurrent refreshes of one refresh token through both apps give exactly one success', async () => {
      const { accountId } = await accessToken(a.url, `refresh-${randomUUID()}@example.com`);
      const grant = await store.getGrant(accountId);
      assert.ok(grant);
      // A refresh token of that grant, written into the shared store as the hosted flow writes one
      // (hash only, a family, the chain's absolute end in its data): the sign-in dance itself is
      // covered by test/e2e/oauth; here only the two processes' race on the rotation matters.
      const rt = newSecret(TOKEN_PREFIX.refresh);
      const now = Date.now();
      await store.putToken({
        hash: hashSecret(rt),
        kind: 'refresh',
        clientId: grant.clientId,
        grantId: grant.id,
        family: randomUUID(),
        createdAt: now,
        expiresAt: now + 3_600_000,
        data: JSON.stringify({ maxAt: now + 86_400_000 }),
      });
      const refresh = (url: string, token: string): Promise<Response> =>
        fetch(`${url}/v3/connect/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'refresh_token', client_id: APP_ENV.GRANTKIT_CLIENT_ID, client_secret: APP_ENV.GRANTKIT_CLIENT_SECRET, refresh_token: token }),
        });
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh(i % 2 === 0 ? a.url : b.url, rt)));
      const statuses = replies.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 400).length, 19, statuses.join(','));
      // What survives afterwards depends on whether a loser's chain revocation lands before or after
      // the winner writes its tokens; the sequential reuse rules are tested in test/e2e/oauth.
      const body = (await replies.find((r) => r.status === 200)!.json()) as { refresh_token?: string };
      assert.match(String(body.refresh_token), /^gk_rt_/);
    });

    it('a token revoked on A is refused on B within 1 s, although B has it cached', async () => {
      const { token } = await accessToken(a.url, `revoke-${randomUUID()}@example.com`);
      // B resolves it twice: the second answer comes from its cache.
      for (let i = 0; i < 2; i++) assert.equal((await call(b.url, 'GET', '/messages', { token })).status, 200);
      assert.equal((await call(a.url, 'POST', '/oauth/revoke', { token })).status, 200);
      const ms = await within(1000, async () => (await call(b.url, 'GET', '/messages', { token })).status === 401, 'B refusing the revoked token');
      assert.ok(ms < 1000, `took ${Math.round(ms)} ms`);
      assert.equal((await call(a.url, 'GET', '/messages', { token })).status, 401);
    });

    it('a grant deleted through the store (the CLI does this) is refused on both within 1 s', async () => {
      const { token, accountId } = await accessToken(b.url, `delete-${randomUUID()}@example.com`);
      for (const app of [a, b]) for (let i = 0; i < 2; i++) assert.equal((await call(app.url, 'GET', '/messages', { token })).status, 200);
      assert.equal(await store.deleteGrant(accountId), true);
      for (const app of [a, b]) {
        await within(1000, async () => (await call(app.url, 'GET', '/messages', { token })).status === 401, 'refusing a deleted grant');
      }
    });

    // There is no refresh route yet (hosted OAuth is a later issue): two processes race
    // store.rotate on one refresh token, as that route will, 10 attempts each.
    it('a concurrent refresh from both processes gives one success', async () => {
      const grantId = randomUUID();
      const old = newSecret(TOKEN_PREFIX.refresh);
      const oldHash = hashSecret(old);
      const now = Date.now();
      await store.putToken({ hash: oldHash, kind: 'refresh', clientId: 'multi-client', grantId, family: oldHash, createdAt: now, expiresAt: now + 3_600_000, data: null });
      const env = { ...process.env, GRANTKIT_STORE: url, OLD_HASH: oldHash, GRANT_ID: grantId, START_AT: String(Date.now() + 3000) };
      const outputs = await Promise.all(
        [0, 1].map(() => run(process.execPath, ['--import', 'tsx', 'test/e2e/multi/rotate-worker.ts'], { env })),
      );
      const counts = outputs.map((o) => JSON.parse(o.stdout) as { first: number; replay: number; none: number });
      assert.equal(counts.reduce((n, c) => n + c.first, 0), 1, JSON.stringify(counts));
      assert.equal(counts.reduce((n, c) => n + c.replay, 0), 19, JSON.stringify(counts));
      const stored = await store.listTokens({ kind: 'refresh', grantId });
      assert.equal(stored.length, 2, 'the old token and the one winner');
    });
  });
}

twoInstances('one PostgreSQL schema', freshPostgresUrl, await probePostgres());
twoInstances('one Redis key prefix', freshRedisUrl, await probeRedis());
twoInstances('one SQLite file', freshSqliteUrl, false);
