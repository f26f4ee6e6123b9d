import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GrantKitError } from '../../src/errors/error.js';
import { DeadlineExceeded, withDeadline } from '../../src/store/deadline.js';
import { StoreTimeoutError, withTimeout } from '../../src/store/fail-closed.js';
import { RedisStore } from '../../src/store/redis/store.js';
import { freePort } from '../support/processes.js';
import { probeRedis, redisUrl } from '../support/servers.js';

/** Keeps the event loop busy, as a CPU-bound request handler does. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // burn CPU
  }
}

/** A plain timer race: what store calls were bounded by before, kept here to show the difference. */
function naiveTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('late')), ms))]);
}

/**
 * An echo server in a process of its own, as a store is: it answers each write at once, unless the
 * write says "hang". In this process it would share the blocked event loop and could not answer.
 */
const ECHO_SERVER = `
const net = require('node:net');
const server = net.createServer((socket) => {
  socket.on('error', () => {});
  socket.on('data', (d) => { if (!d.toString().includes('hang')) socket.write(d); });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

describe('withDeadline', () => {
  let echo: ChildProcess;
  let port = 0;
  const sockets = new Set<net.Socket>();

  before(async () => {
    echo = spawn(process.execPath, ['-e', ECHO_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(echo.stdout!, 'data')) as [Buffer];
    port = Number(line.toString().trim());
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    echo.kill();
    await once(echo, 'exit');
  });

  /** One round trip on a fresh connection; resolves with the reply. */
  async function roundTrip(line: string): Promise<{ reply: Promise<string>; socket: net.Socket }> {
    const socket = net.connect(port, '127.0.0.1');
    sockets.add(socket);
    await once(socket, 'connect');
    const reply = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
    socket.write(line);
    return { reply, socket };
  }

  it('a reply that arrived while the event loop was blocked past the deadline is in time', async () => {
    const { reply, socket } = await roundTrip('ping');
    const bounded = withDeadline(reply, 50);
    spin(200); // the reply reaches the socket buffer within a millisecond; the loop reads it only now
    assert.equal(await bounded, 'ping');
    socket.destroy();
  });

  it('the same situation with a plain timer is declared late (the failure withDeadline prevents)', async () => {
    const { reply, socket } = await roundTrip('ping');
    const bounded = naiveTimeout(reply, 50);
    spin(200);
    await assert.rejects(bounded, /late/);
    socket.destroy();
  });

  it('a call of two round trips is in time when the loop, not the server, took the time', async () => {
    const first = await roundTrip('one');
    // The second round trip is sent only once the first answer has been read, a turn later.
    const call = first.reply.then(async () => (await (await roundTrip('two')).reply));
    const bounded = withDeadline(call, 100);
    spin(150);
    assert.equal(await bounded, 'two');
  });

  it('a server that does not answer is late: DeadlineExceeded after about the deadline', async () => {
    const { reply, socket } = await roundTrip('hang');
    const started = performance.now();
    const err = await withDeadline(reply, 100).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DeadlineExceeded);
    assert.equal(err.ms, 100);
    assert.ok(performance.now() - started >= 95);
    socket.destroy();
  });

  it('passes a rejection through, and hands a value that comes after the deadline to afterDeadline', async () => {
    await assert.rejects(withDeadline(Promise.reject(new Error('refused')), 100), /refused/);
    let release: (v: string) => void = () => {};
    const late = new Promise<string>((resolve) => (release = resolve));
    const released: string[] = [];
    await assert.rejects(withDeadline(late, 20, { afterDeadline: (v) => released.push(v), late: () => new Error('custom') }), /custom/);
    release('connection');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(released, ['connection']);
  });

  it("the fail-closed timeout is the store's time too: late is a 503 whose cause is a StoreTimeoutError", async () => {
    const { reply, socket } = await roundTrip('ping');
    const bounded = withTimeout(reply, 50);
    spin(200);
    assert.equal(await bounded, 'ping');
    socket.destroy();
    const hung = await roundTrip('hang');
    const err = await withTimeout(hung.reply, 50).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GrantKitError);
    assert.equal(err.code, 'store_unavailable');
    assert.ok(err.cause instanceof StoreTimeoutError);
    hung.socket.destroy();
  });
});

describe("the broadcast channel's subscription is judged on the store's time", { skip: await probeRedis() }, () => {
  it('subscribes although the event loop was blocked past twice the timeout while it connected', async () => {
    const store = new RedisStore({ url: redisUrl, prefix: `gk_deadline_${process.pid}:`, timeoutMs: 500 });
    try {
      const subscribed = store.subscribe!({ onInvalidate: () => {} });
      // The connection is under way when a CPU-bound handler holds the loop for longer than the
      // subscription may wait (twice the timeout). That attempt is given up on, in its own wall-time
      // bound; the time was this process's, so the subscription waits for the next attempt.
      spin(1100);
      const unsubscribe = await subscribed;
      await unsubscribe();
    } finally {
      await store.close();
    }
  });

  it('still gives up on a channel that never connects: after about twice the timeout', async () => {
    // A port nobody listens on: every attempt is refused, and the subscription waits for none.
    const port = await freePort();
    const store = new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: 'gk_deadline_closed:', timeoutMs: 100 });
    const started = performance.now();
    try {
      await assert.rejects(store.subscribe!({ onInvalidate: () => {} }), /broadcast channel did not connect within 200 ms/);
      const took = performance.now() - started;
      assert.ok(took >= 190 && took < 1000, `gave up after ${Math.round(took)} ms`);
    } finally {
      await store.close();
    }
  });
});
