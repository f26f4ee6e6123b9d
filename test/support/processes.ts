import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

/** The settings every app process of a test shares; GRANTKIT_SECRET_KEY above all must be stable. */
export const APP_ENV = {
  GRANTKIT_CLIENT_ID: 'multi-client',
  GRANTKIT_CLIENT_SECRET: 'multi-client-secret',
  GRANTKIT_SECRET_KEY: 'multi-instance-secret-key-stable-across-restarts',
} as const;

export interface AppProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the Express example as `npm start` does, on a free port, and waits until it listens.
 * `script`: another server that starts the example through runExample (a test's own variant).
 */
export async function startApp(env: NodeJS.ProcessEnv, script = 'examples/express/server.ts'): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...APP_ENV, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start: ${out}`)), 30_000);
    const onData = (): void => {
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the example exited with ${code}: ${out}`));
    });
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: () => stop(child),
  };
}

export async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** Milliseconds from sending to the full answer. */
  readonly ms: number;
}

export async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Reply> {
  const started = performance.now();
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? '' : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

/** The README's native flow against a running app: a one-time code. */
export async function authorize(base: string, email: string, password = 'sandbox'): Promise<string> {
  const r = await call(base, 'POST', '/connect/authorize', {
    body: {
      client_id: APP_ENV.GRANTKIT_CLIENT_ID,
      name: 'Multi',
      email_address: email,
      provider: 'sandbox',
      settings: { password },
      scopes: 'email.read_only,calendar',
    },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { code: string }).code;
}

export function redeem(base: string, code: string): Promise<Reply> {
  return call(base, 'POST', '/connect/token', {
    body: { client_id: APP_ENV.GRANTKIT_CLIENT_ID, client_secret: APP_ENV.GRANTKIT_CLIENT_SECRET, code },
  });
}

export async function accessToken(base: string, email: string): Promise<{ token: string; accountId: string }> {
  const r = await redeem(base, await authorize(base, email));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const body = r.body as { access_token: string; account_id: string };
  return { token: body.access_token, accountId: body.account_id };
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  assert.ok(address && typeof address === 'object');
  probe.close();
  await once(probe, 'close');
  return address.port;
}

/** Polls until `check` holds, returning how long it took; fails after `withinMs`. */
export async function within(withinMs: number, check: () => Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
