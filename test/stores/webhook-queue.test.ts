import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { grantEvent, type GrantEvent } from '../../src/events/events.js';
import { isDeliveryQueue, type DeliveryQueue } from '../../src/store/deliveries.js';
import { storeFromUrl } from '../../src/store/from-url.js';
import type { Store } from '../../src/store/store.js';
import { eventPayload } from '../../src/webhooks/stored-event.js';
import { endpointKey } from '../../src/webhooks/worker.js';
import { freePort } from '../support/processes.js';
import { freshPostgresUrl, freshRedisUrl, probePostgres, probeRedis, type FreshStoreUrl } from '../support/servers.js';
import { nativeGrant, startV3App, type V3App } from '../support/v3-app.js';
import { startReceiver, until, type Receiver } from '../support/webhook-receiver.js';

/**
 * Webhook deliveries kept in the persistent stores: a new kit on the same backend (an app
 * restarted) delivers what the last one left, and several kits sharing the backend deliver each
 * event once. The child-process restart is in test/e2e/multi/webhooks-restart.test.ts.
 */
const SECRET = 'webhook-secret-0123456789';

async function freshSqliteUrl(): Promise<FreshStoreUrl> {
  const dir = await mkdtemp(join(tmpdir(), 'grantkit-webhooks-'));
  return { url: `sqlite:${join(dir, 'grantkit.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function openStore(url: string): Promise<Store> {
  const store = await storeFromUrl(url);
  await store.migrate?.();
  return store;
}

function queueOf(store: Store): DeliveryQueue {
  assert.ok(isDeliveryQueue(store));
  return store;
}

/** An app on its own store object over the shared backend, as one instance of a deployed app. */
async function instance(url: string, webhookAt: string, retryDelaysMs?: readonly number[]): Promise<V3App> {
  return startV3App({ store: await openStore(url), webhooks: [{ url: webhookAt, secret: SECRET, ...(retryDelaysMs && { retryDelaysMs }) }] });
}

async function stop(app: V3App | undefined): Promise<void> {
  await app?.kit.close();
  await app?.close();
}

function suite(name: string, fresh: () => Promise<FreshStoreUrl>, skip: string | false): void {
  describe(`webhook deliveries in ${name}`, { skip }, () => {
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    it('survive a restart: the next app on the store delivers, signed, with the original id', async () => {
      const backend = await fresh();
      cleanups.push(backend.cleanup);
      const port = await freePort();
      const down = await startReceiver(SECRET, { port, failFirst: Infinity });
      let first: V3App | undefined = await instance(backend.url, down.url, [300]);
      let next: V3App | undefined;
      let receiver: Receiver | undefined;
      try {
        const event = first.kit.events.once('grant.created');
        const grant = await nativeGrant(first.url, 'rae@example.com');
        await until(() => down.failed.length === 1, 'the first attempt');
        await stop(first);
        first = undefined;
        await down.close();

        receiver = await startReceiver(SECRET, { port });
        next = await instance(backend.url, receiver.url, [300]);
        await until(() => receiver!.received.length === 1, 'the delivery after the restart');
        const envelope = receiver.received[0]!;
        assert.equal(envelope.id, (await event).id);
        assert.equal(envelope.id, down.failed[0]!.id);
        assert.equal(envelope.type, 'grant.created');
        assert.equal(envelope.data.object['grant_id'], grant.grantId);
        assert.equal(envelope.webhook_delivery_attempt, 2);
        assert.equal(receiver.refused(), 0, 'signed with the endpoint secret');
      } finally {
        await stop(first);
        await stop(next);
        await receiver?.close();
      }
    });

    it('two instances, due deliveries: each is delivered once', async () => {
      const backend = await fresh();
      cleanups.push(backend.cleanup);
      const receiver = await startReceiver(SECRET);
      // A short first wait makes both poll every 10 ms, so they race for every delivery.
      const apps = [await instance(backend.url, receiver.url, [10]), await instance(backend.url, receiver.url, [10])];
      const writer = await openStore(backend.url);
      try {
        const now = Date.now();
        const events: GrantEvent[] = Array.from({ length: 20 }, (_, i) =>
          grantEvent('grant.deleted', { id: `grant-${i}`, clientId: 'v3-test-client', provider: 'google', email: `u${i}@example.com`, name: '', scopes: [], updatedAt: now }, now),
        );
        const endpoint = endpointKey(receiver.url);
        // Due a moment from now, when both instances are polling.
        await queueOf(writer).enqueueDeliveries(
          events.map((e) => ({ id: `${endpoint}.${e.id}`, endpoint, payload: eventPayload(e), dueAt: now + 100, createdAt: now })),
        );
        await until(() => receiver.received.length >= 20, 'twenty deliveries');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(receiver.posts(), 20, 'no delivery went out twice');
        assert.deepEqual(receiver.received.map((e) => e.id).sort(), events.map((e) => e.id).sort());
        assert.deepEqual(await queueOf(writer).claimDeliveries({ endpoints: [endpoint], now: Date.now() + 60_000, leaseUntil: 0, lease: 'check', limit: 100 }), []);
      } finally {
        for (const a of apps) await stop(a);
        await writer.close?.();
        await receiver.close();
      }
    });

    it('an event from one instance is delivered once, by whichever claims it', async () => {
      const backend = await fresh();
      cleanups.push(backend.cleanup);
      const receiver = await startReceiver(SECRET);
      const apps = [await instance(backend.url, receiver.url, [10]), await instance(backend.url, receiver.url, [10])];
      try {
        await nativeGrant(apps[0]!.url, 'ned@example.com');
        await until(() => receiver.received.length === 1, 'the delivery');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(receiver.posts(), 1);
      } finally {
        for (const a of apps) await stop(a);
        await receiver.close();
      }
    });
  });
}

suite('SQLite', freshSqliteUrl, false);
suite('PostgreSQL', async () => freshPostgresUrl(), await probePostgres());
suite('Redis', async () => freshRedisUrl(), await probeRedis());
