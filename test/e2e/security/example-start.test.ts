import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEV_API_KEY, exampleHost } from '../../../examples/shared/config.js';
import { stop } from '../../support/processes.js';

/**
 * The examples listen on 127.0.0.1 unless HOST is set, refuse a wider HOST while a development
 * secret from the README is in use, and answer 503 with Retry-After at once while they are still
 * loading their configuration.
 */
const OWN_SECRETS = {
  GRANTKIT_CLIENT_ID: 'start-client',
  GRANTKIT_CLIENT_SECRET: 'start-client-secret',
  GRANTKIT_SECRET_KEY: 'start-secret-key-of-32-characters-or-more',
  GRANTKIT_API_KEY: 'start-api-key-of-20-characters-or-more',
};

interface Started {
  readonly child: ChildProcess;
  output(): string;
}

function spawnExample(server: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', server], {
    env: { PATH: process.env['PATH'] ?? '', GRANTKIT_STORE: 'memory', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function listening(s: Started): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line: ${s.output()}`)), 30_000);
    const check = (): void => {
      const m = /listening on http:\/\/localhost:(\d+)/.exec(s.output());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    s.child.stdout!.on('data', check);
    s.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${s.output()}`));
    });
  });
}

/** Whether a TCP connection to host:port is accepted. */
async function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('where the examples listen', () => {
  test('without HOST the example listens on 127.0.0.1 only', async () => {
    const s = spawnExample('examples/express/server.ts', { ...OWN_SECRETS, PORT: '0' });
    try {
      const port = await listening(s);
      assert.equal(await accepts('127.0.0.1', port), true);
      // Another loopback address reaches a socket bound to every interface, not one bound to 127.0.0.1.
      assert.equal(await accepts('127.0.0.2', port), false);
    } finally {
      await stop(s.child);
    }
  });

  for (const server of ['examples/express/server.ts', 'examples/koa/server.ts', 'examples/decorators/server.ts']) {
    test(`${server} refuses HOST=0.0.0.0 while development secrets are in use, and says which`, async () => {
      const s = spawnExample(server, { GRANTKIT_CLIENT_SECRET: 'own-secret', HOST: '0.0.0.0', PORT: '0' });
      try {
        const [code] = (await once(s.child, 'exit', { signal: AbortSignal.timeout(20_000) })) as [number | null];
        assert.notEqual(code, 0);
      } finally {
        await stop(s.child);
      }
      assert.match(s.output(), /refusing to listen on HOST=0\.0\.0\.0/);
      assert.match(s.output(), /GRANTKIT_SECRET_KEY, GRANTKIT_API_KEY/);
      assert.doesNotMatch(s.output(), /listening on/);
      assert.doesNotMatch(s.output(), /grantkit-development-key|grantkit-dev-secret|grantkit-dev-api-key/);
    });
  }

  test('HOST beyond loopback is allowed once every development secret is replaced', async () => {
    const s = spawnExample('examples/express/server.ts', { ...OWN_SECRETS, HOST: '0.0.0.0', PORT: '0' });
    try {
      const port = await listening(s);
      assert.equal(await accepts('127.0.0.2', port), true);
    } finally {
      await stop(s.child);
    }
  });

  test('the HOST rule: loopback always, anything else only without development secrets', () => {
    assert.equal(exampleHost({}), '127.0.0.1');
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.5']) assert.equal(exampleHost({ HOST: host }), host);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      assert.throws(() => exampleHost({ HOST: host }), /GRANTKIT_CLIENT_SECRET, GRANTKIT_SECRET_KEY, GRANTKIT_API_KEY/);
      // A development value set explicitly counts as in use.
      assert.throws(() => exampleHost({ ...OWN_SECRETS, GRANTKIT_API_KEY: DEV_API_KEY, HOST: host }), /GRANTKIT_API_KEY/);
      assert.equal(exampleHost({ ...OWN_SECRETS, HOST: host }), host);
    }
  });
});

describe('an example that is not ready yet', () => {
  // A "PostgreSQL server" that accepts connections and never answers: the example's start-up
  // (its schema migration) waits on it, so the example stays in the not-ready state.
  let blackhole: net.Server;
  const sockets = new Set<net.Socket>();
  before(async () => {
    blackhole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    blackhole.listen(0, '127.0.0.1');
    await once(blackhole, 'listening');
  });
  after(() => {
    for (const s of sockets) s.destroy();
    blackhole.close();
  });

  test('answers 503 with Retry-After: 1 at once, in the format of the route, and never hangs', async () => {
    const port = await freePort();
    const dbPort = (blackhole.address() as AddressInfo).port;
    const s = spawnExample('examples/express/server.ts', {
      ...OWN_SECRETS,
      PORT: String(port),
      SANDBOX_PORT: '0',
      GRANTKIT_STORE: `postgres://test@127.0.0.1:${dbPort}/test`,
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!(await accepts('127.0.0.1', port))) {
        if (s.child.exitCode !== null) assert.fail(`the example exited: ${s.output()}`);
        if (Date.now() > deadline) assert.fail(`the example never listened: ${s.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const base = `http://127.0.0.1:${port}`;
      const get = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(3000) });

      const v2 = await get('/connect/authorize', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(v2.status, 503);
      assert.equal(v2.headers.get('retry-after'), '1');
      const v2Body = (await v2.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(v2Body).sort(), ['message', 'type']);

      const v3 = await get('/v3/grants');
      assert.equal(v3.status, 503);
      assert.equal(v3.headers.get('retry-after'), '1');
      const v3Body = (await v3.json()) as { request_id?: unknown; error?: { type?: unknown } };
      assert.equal(typeof v3Body.request_id, 'string');
      assert.equal(typeof v3Body.error?.type, 'string');

      const oauth = await get('/v3/connect/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(oauth.status, 503);
      assert.equal(((await oauth.json()) as { error?: unknown }).error, 'temporarily_unavailable');

      const app = await get('/messages');
      assert.equal(app.status, 503);
      assert.equal(app.headers.get('retry-after'), '1');
      assert.doesNotMatch(s.output(), /listening on/);
    } finally {
      await stop(s.child);
    }
  });
});
