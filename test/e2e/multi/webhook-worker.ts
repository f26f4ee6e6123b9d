/**
 * An app process that crashes mid-delivery, for the webhook crash test: opens the store named by
 * GRANTKIT_STORE, makes a kit with one webhook endpoint (WEBHOOK_URL, a short per-attempt timeout
 * so that the lease is short), stores a grant and expires it, which queues `grant.expired`. Prints
 * the event's id, then keeps running until the test kills it (SIGKILL: no close, no clean-up).
 */
import { createGrantKit } from '../../../src/index.js';
import { storeFromUrl } from '../../../src/store/from-url.js';

const store = await storeFromUrl(process.env['GRANTKIT_STORE'] ?? '');
await store.migrate?.();
const kit = createGrantKit({
  clients: [{ id: 'crash-client' }],
  secretKeys: ['crash-test-secret-key-at-least-32-characters'],
  store,
  storeTimeoutMs: 500,
  webhooks: [{ url: process.env['WEBHOOK_URL'] ?? '', secret: process.env['WEBHOOK_SECRET'] ?? '', timeoutMs: 300 }],
});
const now = Date.now();
const grantId = process.env['GRANT_ID'] ?? '';
await store.putGrant({
  id: grantId, clientId: 'crash-client', provider: 'google', email: 'cy@example.com', name: 'Cy',
  scopes: ['email.read_only'], status: 'valid', settings: null, createdAt: now, updatedAt: now,
});
const event = kit.events.once('grant.expired');
await kit.expireGrant(grantId);
process.stdout.write(JSON.stringify({ eventId: (await event).id }) + '\n');
// Alive until killed: the attempt in flight holds its lease.
setInterval(() => {}, 60_000);
