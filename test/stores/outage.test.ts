import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { GrantRecord, Invalidation, TokenRecord } from '../../src/store/records.js';
import { redisServerMissing, startRedisServer } from '../support/redis-server.js';
import { PostgresStore } from '../../src/store/sql/postgres.js';
import { RedisStore } from '../../src/store/redis/store.js';
import type { Store } from '../../src/store/store.js';
import { dropSchema, postgresUrl, probePostgres } from '../support/servers.js';

// A store call during an outage must settle (reject) within this, never hang.
const BOUND_MS = 2500;
const NOW = 1_700_000_000_000;

/**
 * Watches a store's broadcast channel: it must report the outage (so caches stop serving) and
 * its return, and deliver invalidations again after it.
 */
class ChannelWatch {
  readonly statuses: boolean[] = [];
  readonly events: Invalidation[] = [];
  #unsubscribe: (() => Promise<void>) | undefined;

  async attach(store: Store): Promise<void> {
    assert.ok(store.subscribe);
    this.#unsubscribe = await store.subscribe({
      onInvalidate: (e) => this.events.push(e),
      onStatus: (connected) => this.statuses.push(connected),
    });
  }

  async detach(): Promise<void> {
    await this.#unsubscribe?.();
  }

  async expectStatus(connected: boolean, withinMs = 1500): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (this.statuses.at(-1) !== connected) {
      assert.ok(Date.now() < deadline, `the channel did not report connected=${connected} within ${withinMs} ms`);
      await sleep(20);
    }
  }

  async expectHeard(store: Store, hash: string): Promise<void> {
    await store.putToken(token(hash));
    await store.revokeToken(hash);
    const deadline = Date.now() + 1000;
    while (!this.events.some((e) => e.tokenHash === hash)) {
      assert.ok(Date.now() < deadline, 'no invalidation heard after the channel came back');
      await sleep(10);
    }
  }
}

describe('Redis outage: a private redis-server that the test kills and restarts', { skip: redisServerMissing() }, () => {
  let port = 0;
  let server: ChildProcess | undefined;
  let store: RedisStore;
  const channel = new ChannelWatch();

  before(async () => {
    port = await freePort();
    server = await startRedis(port);
    store = new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: 'gk_outage:', timeoutMs: 1000 });
    await eventually(() => store.putGrant(grant('before')));
    await channel.attach(store);
  });
  after(async () => {
    await channel.detach();
    await store.close();
    server?.kill('SIGKILL');
  });

  it('works while Redis is up', async () => {
    await store.putToken(token('t-up'));
    assert.ok(await store.resolve('t-up', NOW));
  });

  it('every call rejects quickly while Redis is down, however many are made', async () => {
    await stop(server);
    server = undefined;
    await expectFastRejections(store);
    await channel.expectStatus(false);
  });

  it('recovers by itself once Redis is back on the same port', async () => {
    server = await startRedis(port);
    // A fresh server without persistence: the data is gone, but the store must serve again.
    await eventually(() => store.putToken(token('t-back')));
    assert.ok(await store.resolve('t-back', NOW));
    assert.equal((await store.consume('t-back', NOW))?.firstUse, true);
    await channel.expectStatus(true, 5000);
    await channel.expectHeard(store, 'r-back');
  });

  it('a hung Redis (SIGSTOP) makes calls time out instead of waiting', async () => {
    assert.ok(server?.pid);
    process.kill(server.pid, 'SIGSTOP');
    try {
      await expectFastRejections(store);
    } finally {
      await channel.expectStatus(false, 4000);
      process.kill(server.pid, 'SIGCONT');
    }
    await eventually(() => store.resolve('t-back', NOW));
    await channel.expectStatus(true, 5000);
  });
});

describe('PostgreSQL outage: behind a TCP proxy that the test closes and reopens', { skip: await probePostgres() }, () => {
  const schema = `gk_test_${randomBytes(6).toString('hex')}`;
  let proxy: Proxy;
  let store: PostgresStore;
  const channel = new ChannelWatch();

  before(async () => {
    const target = new URL(postgresUrl);
    proxy = await Proxy.start(target.hostname, Number(target.port || 5432));
    const url = new URL(postgresUrl);
    url.host = `127.0.0.1:${proxy.port}`;
    store = new PostgresStore({ connectionString: url.href, schema, statementTimeoutMs: 1000 });
    await store.migrate();
    await channel.attach(store);
  });
  after(async () => {
    await channel.detach();
    await store.close();
    await proxy.close();
    await dropSchema(schema);
  });

  it('works while the database is reachable', async () => {
    await store.putGrant(grant('pg-up'));
    await store.putToken(token('pg-t-up', 'pg-up'));
    assert.equal((await store.resolve('pg-t-up', NOW))?.grant?.id, 'pg-up');
  });

  it('every call rejects quickly while the proxy is closed', async () => {
    await proxy.close();
    await expectFastRejections(store);
    await channel.expectStatus(false);
  });

  it('recovers by itself once the proxy is open again', async () => {
    await proxy.open();
    await eventually(() => store.getGrant('pg-up'));
    assert.equal((await store.resolve('pg-t-up', NOW))?.grant?.id, 'pg-up');
    await channel.expectStatus(true, 5000);
    await channel.expectHeard(store, 'pg-r-back');
  });

  it('a proxy that accepts but never answers makes calls time out', async () => {
    proxy.stall();
    try {
      await expectFastRejections(store);
      // The LISTEN connection is silent too: the heartbeat must notice it.
      await channel.expectStatus(false, 4000);
    } finally {
      await proxy.close();
      await proxy.open();
    }
    await eventually(() => store.resolve('pg-t-up', NOW));
  });
});

/** Every kind of call, many at once, must reject within the bound: no hang and no unbounded queue. */
async function expectFastRejections(store: Store): Promise<void> {
  const calls: Array<() => unknown> = [
    () => store.getGrant('before'),
    () => store.findGrantByEmail('client', 'a@example.com'),
    () => store.putGrant(grant('during')),
    () => store.listGrants({ clientId: 'client' }),
    () => store.putToken(token('t-during')),
    () => store.resolve('t-up', NOW),
    () => store.consume('t-up', NOW),
    () => store.rotate('t-up', token('t-next'), NOW),
    () => store.revokeToken('t-up'),
    () => store.revokeFamily('family'),
    () => store.revokeGrantTokens('before'),
    () => store.listTokens({ kind: 'access' }),
  ];
  const started = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: 5 }, () => calls.map((call) => Promise.resolve().then(call))).flat(),
  );
  const elapsed = performance.now() - started;
  const fulfilled = settled.filter((s) => s.status === 'fulfilled').length;
  assert.equal(fulfilled, 0, `${fulfilled} calls succeeded against a store that is down`);
  assert.ok(elapsed < BOUND_MS, `calls took ${Math.round(elapsed)} ms to reject`);
}

/** Retries until the call succeeds: recovery must happen by itself, within a few seconds. */
async function eventually<T>(call: () => T | Promise<T>, withinMs = 8000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** A redis-server of the test's own that keeps nothing on disk. */
function startRedis(port: number): Promise<ChildProcess> {
  return startRedisServer(port, ['--appendonly', 'no']);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  assert.ok(address && typeof address === 'object');
  probe.close();
  await once(probe, 'close');
  return address.port;
}

/** A TCP proxy on a fixed local port that can be closed (connections refused) or stalled (silent). */
class Proxy {
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #stalled = false;

  private constructor(
    readonly port: number,
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  static async start(host: string, targetPort: number): Promise<Proxy> {
    const proxy = new Proxy(await freePort(), host, targetPort);
    await proxy.open();
    return proxy;
  }

  async open(): Promise<void> {
    this.#stalled = false;
    const server = net.createServer((client) => this.#accept(client));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.#server = server;
  }

  /** Stops listening and cuts every connection, as a database going away would. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps every connection open but forwards nothing more, as a hung server or a black hole would. */
  stall(): void {
    this.#stalled = true;
    for (const socket of this.#sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  #accept(client: net.Socket): void {
    this.#sockets.add(client);
    client.on('error', () => {});
    client.on('close', () => this.#sockets.delete(client));
    if (this.#stalled) {
      client.pause();
      return;
    }
    const upstream = net.connect(this.targetPort, this.host);
    this.#sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      this.#sockets.delete(upstream);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

function grant(id: string): GrantRecord {
  return {
    id,
    clientId: 'client',
    provider: 'google',
    email: `${id}@example.com`,
    name: 'Outage',
    scopes: ['email'],
    status: 'valid',
    settings: null,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

function token(hash: string, grantId = 'before'): TokenRecord {
  return { hash, kind: 'access', clientId: 'client', grantId, family: 'family', createdAt: NOW, expiresAt: NOW + 60_000, data: null };
}
