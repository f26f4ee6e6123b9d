import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createGrantKit, hashSecret, MemoryStore, sandboxProvider, type Resolved, type Store } from '../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, minimalStore, nativeToken, SECRET_KEY, TestClock } from '../support/helpers.js';

/** A MemoryStore seen through a network-like async boundary, counting round trips. */
class CountingStore extends MemoryStore {
  resolves = 0;
  override resolve(hash: string, now: number): Promise<Resolved | undefined> {
    this.resolves++;
    return Promise.resolve(super.resolve(hash, now));
  }
}

function kitOn(store: Store, clock: TestClock, cache: boolean | { ttlMs: number }) {
  return createGrantKit({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
    secretKeys: [SECRET_KEY],
    providers: [sandboxProvider()],
    store,
    clock: clock.read,
    cache,
  });
}

describe('the per-instance grant cache', () => {
  it('serves repeat requests without a store round trip', async () => {
    const store = new CountingStore();
    const clock = new TestClock();
    const kit = kitOn(store, clock, true);
    await kit.ready();
    const app = makeApp(kit);
    const { token } = await nativeToken(app);
    store.resolves = 0;
    for (let i = 0; i < 5; i++) assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 200);
    assert.equal(store.resolves, 1);
    // A synchronous answer on a hit: one layer, no promise.
    assert.ok(!(kit.authenticate(`Bearer ${token}`, '/messages') instanceof Promise));
  });

  it('a revocation on one instance reaches another instance at once through the store broadcast', async () => {
    const store = new CountingStore();
    const clock = new TestClock();
    const a = kitOn(store, clock, true);
    const b = kitOn(store, clock, true);
    await Promise.all([a.ready(), b.ready()]);
    const appA = makeApp(a);
    const appB = makeApp(b);
    const { token } = await nativeToken(appA);
    assert.equal((await request(appB).get('/messages').set('authorization', `Bearer ${token}`)).status, 200);
    await request(appA).post('/oauth/revoke').set('authorization', `Bearer ${token}`).expect(200);
    assert.equal((await request(appB).get('/messages').set('authorization', `Bearer ${token}`)).status, 401);
  });

  it('without a broadcast, the TTL bounds how long a revoked token is served', async () => {
    const inner = new CountingStore();
    // A store with no subscribe(): the cache can only rely on its TTL.
    const store: Store = minimalStore(inner);
    const clock = new TestClock();
    const kit = kitOn(store, clock, { ttlMs: 5000 });
    const app = makeApp(kit);
    const { token } = await nativeToken(app);
    assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 200);
    await inner.revokeToken(hashSecret(token)); // revoked behind the cache's back (another process)
    clock.advance(4999);
    assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 200);
    clock.advance(1);
    assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 401);
  });

  it('refuses a TTL over the documented 5 s bound', () => {
    assert.throws(() => kitOn(new MemoryStore(), new TestClock(), { ttlMs: 6000 }), /option "cache/);
  });
});
