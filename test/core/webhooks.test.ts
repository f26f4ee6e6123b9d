import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore, verifyWebhookSignature, WEBHOOK_RETRY_DELAYS_MS, type DeliveryRecord, type GrantEvent, type WebhookAttempt } from '../../src/index.js';
import { minimalStore } from '../support/helpers.js';
import { freePort } from '../support/processes.js';
import { nativeGrant, startV3App, type V3App } from '../support/v3-app.js';
import { startReceiver, until, webhookUrl, type Receiver } from '../support/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789';
/** Short waits, so a whole schedule runs in moments; the default schedule is checked on its own. */
const QUICK = [20, 40, 20, 20, 20];

/** Stops delivery, then the app and the receiver. */
async function stop(a: V3App, r?: Receiver): Promise<void> {
  await a.kit.close();
  await a.close();
  await r?.close();
}

/** What a MemoryStore holds in its delivery queue. */
function queued(store: MemoryStore): DeliveryRecord[] {
  const dump = store.dump();
  assert.ok(typeof dump === 'object' && dump !== null);
  return 'deliveries' in dump && Array.isArray(dump.deliveries) ? (dump.deliveries as DeliveryRecord[]) : [];
}

describe('grant lifecycle events', () => {
  it('emits grant.created, grant.updated (re-auth), grant.expired and grant.deleted in-process', async () => {
    const a = await startV3App();
    try {
      const seen: GrantEvent[] = [];
      a.kit.events.on('*', (e) => void seen.push(e));
      const g = await nativeGrant(a.url, 'ann@example.com');
      await nativeGrant(a.url, 'ann@example.com');
      await a.kit.expireGrant(g.grantId);
      await a.nylas.grants.destroy({ grantId: g.grantId });
      await until(() => seen.length === 4, 'four events');
      assert.deepEqual(seen.map((e) => e.type), ['grant.created', 'grant.updated', 'grant.expired', 'grant.deleted']);
      assert.equal(seen[1]!.object.reauthentication_flag, true);
      assert.equal(typeof seen[2]!.object.grant_updated_at, 'number');
      assert.ok(seen.every((e) => e.object.grant_id === g.grantId && typeof e.time === 'number'));
    } finally {
      await a.close();
    }
  });
});

describe('webhook delivery', () => {
  it('delivers a signed envelope a user-written receiver verifies, retrying after each wait of the schedule', async () => {
    const r = await startReceiver(SECRET, { failFirst: 2 });
    const attempts: WebhookAttempt[] = [];
    const a = await startV3App({ webhooks: [{ url: r.url, secret: SECRET, retryDelaysMs: QUICK, onAttempt: (x) => attempts.push(x) }] });
    try {
      const event = a.kit.events.once('grant.created');
      await a.nylas.auth.customAuthentication({ requestBody: { provider: 'sandbox' as never, settings: { email: 'wes@example.com', password: 'sandbox' } } });
      // The receiver sees the third POST before the sender sees its 200: wait for both.
      await until(() => r.received.length === 1 && attempts.length === 3, 'the third attempt');
      const env = r.received[0]!;
      assert.equal(env.id, (await event).id);
      assert.equal(env.type, 'grant.created');
      assert.equal(env.webhook_delivery_attempt, 3);
      assert.equal(env.data.application_id, 'v3-test-client');
      assert.equal(env.data.object['email'], 'wes@example.com');
      assert.equal(env.data.object['code'], 25012);
      assert.deepEqual(
        attempts.map((x) => [x.attempt, x.status, x.delivered, x.nextRetryInMs]),
        [[1, 500, false, 20], [2, 500, false, 40], [3, 200, true, null]],
      );
      assert.ok(attempts.every((x) => x.eventId === env.id && x.url === r.url));
      assert.equal(r.refused(), 0);
    } finally {
      await stop(a, r);
    }
  });

  it('waits 1 s, 5 s, 30 s, 2 min and 10 min by default', () => {
    assert.deepEqual(WEBHOOK_RETRY_DELAYS_MS, [1_000, 5_000, 30_000, 120_000, 600_000]);
  });

  it('a receiver with another secret refuses every POST; delivery gives up after one attempt more than there are waits', async () => {
    const r = await startReceiver(SECRET);
    const errors: unknown[] = [];
    const store = new MemoryStore();
    const a = await startV3App({ store, webhooks: [{ url: `${r.url}?token=hidden`, secret: 'another-secret-0123456789', retryDelaysMs: QUICK }], onError: (e) => errors.push(e) });
    try {
      await nativeGrant(a.url, 'xan@example.com');
      await until(() => r.refused() === 6 && errors.length === 1, 'six refusals');
      assert.equal(r.received.length, 0);
      const message = errors[0] instanceof Error ? errors[0].message : '';
      assert.match(message, /failed after 6 attempts/);
      assert.doesNotMatch(message, /hidden/, 'the URL is reported without its query');
      assert.deepEqual(queued(store), [], 'given up, the delivery leaves the queue');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(r.refused(), 6);
    } finally {
      await stop(a, r);
    }
  });

  it('sends an endpoint only the event types it asked for', async () => {
    const r = await startReceiver(SECRET);
    const a = await startV3App({ webhooks: [{ url: r.url, secret: SECRET, types: ['grant.deleted'] }] });
    try {
      const g = await nativeGrant(a.url, 'tia@example.com');
      await a.nylas.grants.destroy({ grantId: g.grantId });
      await until(() => r.received.length === 1, 'the deletion');
      assert.deepEqual(r.received.map((e) => [e.type, e.data.object['grant_id']]), [['grant.deleted', g.grantId]]);
      assert.equal(r.posts(), 1);
    } finally {
      await stop(a, r);
    }
  });
});

describe('the delivery queue', () => {
  it('holds the delivery before the change answers, and keeps it while the receiver is down', async () => {
    const port = await freePort();
    const store = new MemoryStore();
    const a = await startV3App({ store, webhooks: [{ url: webhookUrl(port), secret: SECRET }] });
    try {
      const g = await nativeGrant(a.url, 'una@example.com');
      const [d] = queued(store);
      assert.ok(d, 'queued before the answer');
      assert.equal(JSON.parse(d.payload).object.grant_id, g.grantId);
      // The first attempt finds nobody, and the delivery waits for the first retry, 1 s later.
      await until(() => queued(store)[0]?.attempts === 1 && queued(store)[0]?.lease === null, 'the first attempt');
      assert.ok(queued(store)[0]!.dueAt > Date.now() + 500);
      assert.doesNotMatch(JSON.stringify(store.dump()), /127\.0\.0\.1/, 'the store keeps a digest of the URL, not the URL');
    } finally {
      await stop(a);
    }
  });

  it('a kit closed mid-attempt leaves the delivery due; the next kit on the store sends it with its original id', async () => {
    const hanging = await startReceiver(SECRET, { hang: true });
    const store = new MemoryStore();
    const a = await startV3App({ store, webhooks: [{ url: hanging.url, secret: SECRET }] });
    const event = a.kit.events.once('grant.created');
    await nativeGrant(a.url, 'ivy@example.com');
    await until(() => hanging.posts() === 1, 'the first attempt');
    await stop(a, hanging);
    const [d] = queued(store);
    assert.ok(d && d.lease === null && d.dueAt <= Date.now(), 'due again at once');

    const r = await startReceiver(SECRET, { port: hanging.port });
    const b = await startV3App({ store, webhooks: [{ url: r.url, secret: SECRET }] });
    try {
      await until(() => r.received.length === 1, 'the delivery');
      assert.equal(r.received[0]!.id, (await event).id);
      assert.equal(r.received[0]!.webhook_delivery_attempt, 2);
      await until(() => queued(store).length === 0, 'the queue to empty');
    } finally {
      await stop(b, r);
    }
  });

  it('a store without the delivery calls gets a queue in process memory', async () => {
    const r = await startReceiver(SECRET);
    const a = await startV3App({ store: minimalStore(new MemoryStore()), webhooks: [{ url: r.url, secret: SECRET }] });
    try {
      await nativeGrant(a.url, 'ola@example.com');
      await until(() => r.received.length === 1, 'the delivery');
      assert.equal(r.received[0]!.type, 'grant.created');
    } finally {
      await stop(a, r);
    }
  });
});

describe('verifyWebhookSignature', () => {
  it('rejects a tampered body and malformed signatures', () => {
    assert.equal(verifyWebhookSignature('{"a":1}', 'zz', SECRET), false);
    assert.equal(verifyWebhookSignature('{"a":1}', undefined, SECRET), false);
    assert.equal(verifyWebhookSignature('{"a":1}', ['x'], SECRET), false);
  });
});
