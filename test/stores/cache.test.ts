import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createGrantKit, hashSecret, MemoryStore, sandboxProvider, type InvalidationListener, type Resolved, type Store } from '../../src/index.js';
import { GrantCache } from '../../src/store/cache.js';
import { CachedStore } from '../../src/store/cached.js';
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

/**
 * A store whose broadcast channel the test takes down and brings back, as a dropped LISTEN or
 * pub/sub connection does (the PostgreSQL and Redis cases run against real servers in
 * test/adapters/health.test.ts and test/e2e/multi/busy-instance.test.ts).
 */
class ChannelStore extends CountingStore {
  listener: InvalidationListener | undefined;
  override async subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    this.listener = listener;
    return async () => {
      this.listener = undefined;
    };
  }
}

describe('the cache steps aside while the invalidation channel is down', () => {
  it('down: every resolution reads the store and nothing is kept; back: it starts empty, then serves', async () => {
    const store = new ChannelStore();
    const kit = kitOn(store, new TestClock(), true);
    await kit.ready();
    const app = makeApp(kit);
    const { token } = await nativeToken(app);
    const read = async (): Promise<number> => (await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status;
    assert.equal(await read(), 200);
    store.resolves = 0;
    assert.equal(await read(), 200);
    assert.equal(store.resolves, 0, 'a hit while subscribed');
    assert.deepEqual((await kit.health()).invalidation, { state: 'subscribed', cacheServing: true });

    store.listener!.onStatus!(false);
    store.resolves = 0;
    for (let i = 0; i < 3; i++) assert.equal(await read(), 200);
    assert.equal(store.resolves, 3, 'every read went to the store: none answered 503, none from the cache');
    const down = await kit.health();
    assert.equal(down.status, 'degraded');
    assert.deepEqual(down.invalidation, { state: 'down', cacheServing: false });
    // A revocation the channel lost is not served past while it is down.
    await store.revokeToken(hashSecret(token));
    assert.equal(await read(), 401);

    store.listener!.onStatus!(true);
    assert.equal((await kit.health()).status, 'ok');
    const { token: second } = await nativeToken(app);
    store.resolves = 0;
    for (let i = 0; i < 3; i++) assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${second}`)).status, 200);
    assert.equal(store.resolves, 1, 'serving again after re-subscription');
  });

  it('what it keeps is frozen, so no request can change what the next one for the token gets', () => {
    const cache = new GrantCache({ ttlMs: 5000, maxEntries: 10 });
    const resolved = resolvedFor('g1');
    cache.set('h', { ...resolved, token: { ...resolved.token, scopes: ['email.read_only'] } }, 0);
    const hit = cache.get('h', 1);
    assert.ok(hit?.grant);
    for (const part of [hit, hit.token, hit.token.scopes, hit.grant, hit.grant.scopes]) assert.ok(Object.isFrozen(part));
    assert.throws(() => (hit.grant!.scopes as string[]).push('email.modify'), TypeError);
  });

  it('what was kept before the channel went down is dropped, not served when it comes back', () => {
    const cache = new GrantCache({ ttlMs: 5000, maxEntries: 10 });
    const resolved = resolvedFor('g1');
    cache.set('h', resolved, 0);
    assert.equal(cache.get('h', 1), resolved);
    cache.setServing(false);
    assert.equal(cache.get('h', 1), undefined);
    cache.set('h', resolved, 1);
    cache.setServing(true);
    assert.equal(cache.get('h', 2), undefined, 'nothing from before, nothing kept while down');
  });

  it('a read in flight while an invalidation arrives, or while the channel went down and up, is not kept', () => {
    const cache = new GrantCache({ ttlMs: 5000, maxEntries: 10 });
    const resolved = resolvedFor('g1');
    let epoch = cache.epoch;
    cache.invalidate({ grantId: 'g1' }); // the revocation's broadcast is heard before the read answers
    cache.set('h', resolved, 0, epoch);
    assert.equal(cache.get('h', 1), undefined);
    epoch = cache.epoch;
    cache.setServing(false);
    cache.setServing(true);
    cache.set('h', resolved, 0, epoch);
    assert.equal(cache.get('h', 1), undefined);
    cache.set('h', resolved, 0, cache.epoch);
    assert.equal(cache.get('h', 1), resolved, 'a read of the current epoch is kept');
  });
});

describe('the cache steps aside for the loop turn after the event loop was blocked', () => {
  it('a request read right after a block goes to the store; the next one is a hit again', async () => {
    const store = new ChannelStore();
    const kit = kitOn(store, new TestClock(), true);
    await kit.ready();
    const server = makeApp(kit).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { token } = await nativeToken(makeApp(kit));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    const ask = async (block: number): Promise<string> => {
      const answer = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
      socket.write(`GET /messages HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n\r\n`);
      spin(block); // the request waits in the socket while the loop is busy, as a revocation's broadcast could
      return answer;
    };
    try {
      assert.match(await ask(0), /^HTTP\/1.1 200/);
      store.resolves = 0;
      assert.match(await ask(0), /^HTTP\/1.1 200/);
      assert.equal(store.resolves, 0, 'a hit');
      assert.match(await ask(1000), /^HTTP\/1.1 200/);
      assert.equal(store.resolves, 1, 'read from the store after a 1 s block');
      assert.match(await ask(0), /^HTTP\/1.1 200/);
      assert.equal(store.resolves, 1, 'a hit again');
    } finally {
      socket.destroy();
      server.close();
      await kit.close();
    }
  });

  it('a burst of requests for one token while the cache steps aside shares one store read; an invalidation starts another', async () => {
    const inner = new CountingStore();
    const cache = new GrantCache({ ttlMs: 5000, maxEntries: 10 });
    const cached = new CachedStore(inner, cache);
    const { token, grant } = resolvedFor('g1');
    await inner.putGrant(grant!);
    await inner.putToken(token);
    cache.stepAsideThisTurn();
    const burst = [cached.resolve('h', 1), cached.resolve('h', 1), cached.resolve('h', 1)];
    assert.equal(inner.resolves, 1);
    cache.invalidate({ grantId: 'other' }); // heard while the read is out: later requests read again
    burst.push(cached.resolve('h', 1));
    assert.equal(inner.resolves, 2);
    for (const r of await Promise.all(burst)) assert.equal(r?.token.hash, 'h');
  });

  it('GrantCache.stepAsideThisTurn serves nothing until the turn is over', async () => {
    const cache = new GrantCache({ ttlMs: 5000, maxEntries: 10 });
    const resolved = resolvedFor('g1');
    cache.set('h', resolved, 0);
    cache.stepAsideThisTurn();
    assert.equal(cache.get('h', 1), undefined);
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.get('h', 1), resolved);
  });
});

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a CPU-bound handler
  }
}

function resolvedFor(grantId: string): Resolved {
  const now = 0;
  return {
    token: { hash: 'h', kind: 'access', clientId: CLIENT_ID, grantId, family: null, createdAt: now, expiresAt: null, data: null },
    grant: { id: grantId, clientId: CLIENT_ID, provider: 'sandbox', email: 'a@example.com', name: 'A', scopes: ['email.read_only'], status: 'valid', settings: null, createdAt: now, updatedAt: now },
  };
}
