import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createGrantKit, type GrantKit } from '../../../src/index.js';
import { storeFromUrl } from '../../../src/store/from-url.js';
import { accessToken, freePort, startApp, stop, type AppProcess } from '../../support/processes.js';
import { freshPostgresUrl, freshRedisUrl, probePostgres, probeRedis, type FreshStoreUrl } from '../../support/servers.js';
import { startReceiver, until, webhookUrl, type Receiver } from '../../support/webhook-receiver.js';

/**
 * Webhook deliveries outlive the process that queued them: the example app killed while its
 * receiver is down, then started again, delivers the event once the receiver is back; and a
 * process killed in the middle of an attempt leaves a lease that runs out, after which another
 * instance makes the attempt again, with the same event id.
 */
const SECRET = 'webhook-secret-0123456789';

async function freshSqliteUrl(): Promise<FreshStoreUrl> {
  const dir = await mkdtemp(join(tmpdir(), 'grantkit-webhooks-'));
  return { url: `sqlite:${join(dir, 'grantkit.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function restartSuite(name: string, fresh: () => Promise<FreshStoreUrl>, skip: string | false): void {
  describe(`webhooks across a restart of the example app on ${name}`, { skip }, () => {
    let app: AppProcess | undefined;
    let receiver: Receiver | undefined;
    let cleanup: () => Promise<void> = async () => {};
    after(async () => {
      await app?.stop();
      await receiver?.close();
      await cleanup();
    });

    it('a delivery queued while the receiver is down reaches it after a crash and a restart, signed, with its original id', async () => {
      const backend = await fresh();
      cleanup = backend.cleanup;
      const port = await freePort();
      const env = { GRANTKIT_STORE: backend.url, GRANTKIT_WEBHOOK_URL: webhookUrl(port), GRANTKIT_WEBHOOK_SECRET: SECRET };
      receiver = await startReceiver(SECRET, { port, failFirst: Infinity });
      app = await startApp(env);
      const { accountId } = await accessToken(app.url, 'ada@example.com');
      await until(() => receiver!.failed.length === 1, 'the first attempt');
      const original = receiver.failed[0]!;
      // A moment for the app to record the failure (killed before, its lease runs out instead, 15 s on).
      await new Promise((r) => setTimeout(r, 300));
      await stop(app.child, 'SIGKILL');
      await receiver.close();

      receiver = await startReceiver(SECRET, { port });
      app = await startApp(env);
      await until(() => receiver!.received.length === 1, 'the delivery after the restart', 30_000);
      const envelope = receiver.received[0]!;
      assert.equal(envelope.id, original.id);
      assert.equal(envelope.type, 'grant.created');
      assert.equal(envelope.data.object['grant_id'], accountId);
      assert.ok(envelope.webhook_delivery_attempt >= 2, `attempt ${envelope.webhook_delivery_attempt}`);
      assert.equal(receiver.refused(), 0, 'signed with the endpoint secret');
    });
  });
}

function crashSuite(name: string, fresh: () => Promise<FreshStoreUrl>, skip: string | false): void {
  describe(`webhooks after a crash mid-attempt on ${name}`, { skip }, () => {
    it('the lease runs out and another instance makes the attempt again, with the same event id', async () => {
      const backend = await fresh();
      const port = await freePort();
      let receiver: Receiver = await startReceiver(SECRET, { port, hang: true });
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/multi/webhook-worker.ts'], {
        env: { ...process.env, GRANTKIT_STORE: backend.url, WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, GRANT_ID: `grant-${randomUUID()}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      let kit: GrantKit | undefined;
      try {
        await until(() => out.includes('eventId') && receiver.posts() === 1, 'the attempt in flight', 30_000);
        const { eventId } = JSON.parse(out.slice(out.indexOf('{'))) as { eventId: string };
        await stop(child, 'SIGKILL');
        await receiver.close();

        receiver = await startReceiver(SECRET, { port });
        kit = createGrantKit({
          clients: [{ id: 'crash-client' }],
          secretKeys: ['crash-test-secret-key-at-least-32-characters'],
          store: await storeFromUrl(backend.url),
          webhooks: [{ url: receiver.url, secret: SECRET }],
        });
        // The worker's lease: its 300 ms attempt timeout, twice its 500 ms store timeout, and 1 s.
        await until(() => receiver.received.length === 1, 'the attempt after the lease ran out', 10_000);
        assert.equal(receiver.received[0]!.id, eventId);
        assert.equal(receiver.received[0]!.type, 'grant.expired');
        assert.equal(receiver.received[0]!.webhook_delivery_attempt, 2);
      } finally {
        await stop(child, 'SIGKILL');
        await kit?.close();
        await receiver.close();
        await backend.cleanup();
      }
    });
  });
}

restartSuite('SQLite (the default store)', freshSqliteUrl, false);
restartSuite('PostgreSQL', async () => freshPostgresUrl(), await probePostgres());
crashSuite('SQLite', freshSqliteUrl, false);
crashSuite('Redis', async () => freshRedisUrl(), await probeRedis());
