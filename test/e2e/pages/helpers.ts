import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Shared pieces of the page tests: a real Chromium (Debian's, driven by playwright-core), and the
 * example server started as `npm start` starts it.
 */
export const CHROMIUM = '/usr/bin/chromium';

/** No sandbox (containers run as root), no GPU, and nothing that phones home during a test. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Chromium, or undefined after skipping the test when it is not installed. In CI (process.env.CI
 * set) a missing browser fails instead: .ci/run installs it, so its absence there is a broken
 * set-up, and a skipped page test would hide that.
 */
export async function launchChromium(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    if (process.env['CI']) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)`);
    t.skip(`${CHROMIUM} is not installed (apt-get install chromium); the page tests need a real browser`);
    return undefined;
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface RunningExample {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything printed to stdout up to and including the "listening" line. */
  readonly stdout: string;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The line an example server prints last, once it listens; its port is the first group. */
const EXAMPLE_LISTENING = /listening on http:\/\/localhost:(\d+)/;

/**
 * Starts an example server with PORT=0 and a memory store, as test/e2e/examples/readme.test.ts's startExample
 * does, and also returns what it printed before listening: the hosted sign-in URLs are there.
 * `listening` is the line that says it is ready (another script, such as `npm run imap`, prints its own).
 */
export async function startExampleWithOutput(entry: string, env: NodeJS.ProcessEnv = {}, listening: RegExp = EXAMPLE_LISTENING): Promise<RunningExample> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PORT: '0', GRANTKIT_STORE: 'memory', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let all = '';
  child.stderr!.on('data', (d: Buffer) => (all += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`example did not start: ${all}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      all += d.toString();
      const m = listening.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`example exited with ${code}: ${all}`));
    });
  });
  return {
    child,
    port,
    stdout: out,
    output: () => all,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}

/** A PNG that is more than a blank stub: the signature, and some size. */
export function isRenderedPng(png: Buffer): boolean {
  return png.length > 2000 && png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/**
 * What Chromium reports as blocked by a page's Content Security Policy, as it happens: a sign-in
 * form whose post, or the redirect after it, the CSP stopped shows up here.
 */
export function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}
