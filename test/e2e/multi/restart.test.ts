import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dropSchema, postgresUrl, probePostgres } from '../../support/servers.js';
import { accessToken, call, startApp, type AppProcess } from '../../support/processes.js';

/**
 * A restart loses no grant and no token, provided the store persists and GRANTKIT_SECRET_KEY stays
 * the same (processes.ts fixes it for every start).
 */
function survivesRestart(name: string, makeUrl: () => Promise<{ url: string; cleanup: () => Promise<void> }>, skip: string | false): void {
  describe(`restarting an app backed by ${name}`, { skip }, () => {
    let app: AppProcess | undefined;
    let cleanup: () => Promise<void> = async () => {};
    after(async () => {
      await app?.stop();
      await cleanup();
    });

    it('keeps every grant and token', async () => {
      const made = await makeUrl();
      cleanup = made.cleanup;
      app = await startApp({ GRANTKIT_STORE: made.url });
      const first = await accessToken(app.url, 'ada@example.com');
      const second = await accessToken(app.url, 'grace@example.com');
      await app.stop();

      app = await startApp({ GRANTKIT_STORE: made.url });
      for (const { token, accountId } of [first, second]) {
        const account = await call(app.url, 'GET', '/account', { token });
        assert.equal(account.status, 200, app.output());
        assert.equal((account.body as { id: string }).id, accountId);
        assert.equal((await call(app.url, 'GET', '/messages', { token })).status, 200);
      }
      // Authorizing the same address again finds the grant that was kept: same account id.
      const again = await accessToken(app.url, 'ada@example.com');
      assert.equal(again.accountId, first.accountId);
    });
  });
}

survivesRestart(
  'SQLite (the default store)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantkit-restart-'));
    return { url: `sqlite:${join(dir, 'grantkit.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  false,
);

survivesRestart(
  'PostgreSQL',
  async () => {
    const schema = `gk_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    return { url: url.href, cleanup: () => dropSchema(schema) };
  },
  await probePostgres(),
);
