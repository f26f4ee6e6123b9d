import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The README's curl walk-through, exactly as written, with only the port changed. */
function walkthrough(): { script: string; expected: RegExp[] } {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = /<!-- walkthrough:start -->\n```sh\n([\s\S]*?)```\n<!-- walkthrough:end -->/.exec(readme);
  assert.ok(block, 'README has a walk-through block');
  const script = block[1]!;
  // Each "# ..." comment line is the output the command above it prints; "…" stands for anything.
  const expected = script
    .split('\n')
    .filter((l) => l.startsWith('# '))
    .map((l) => new RegExp(`^${l.slice(2).split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return { script, expected };
}

/** Starts a real example server (the README's `npm start`) on a free port and waits for it. */
export async function startExample(entry: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number }> {
  // A memory store unless a test asks for another: the default sqlite:./grantkit.db would leave
  // a file in the checkout and carry state from one run to the next.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PORT: '0', GRANTKIT_STORE: 'memory', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`example did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`example exited with ${code}: ${out}`)));
  });
  return { child, port };
}

describe('README walk-through against `npm start`', () => {
  let server: { child: ChildProcess; port: number };
  let stderr = '';
  before(async () => {
    server = await startExample('examples/express/server.ts');
    server.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  });
  after(() => server.child.kill());

  it('prints exactly what the README says it prints', async () => {
    const { script, expected } = walkthrough();
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script.replaceAll('localhost:3000', `localhost:${server.port}`)]);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, expected.length, stdout);
    lines.forEach((line, i) => assert.match(line, expected[i]!));
  });

  it('warns about development values without printing a secret', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const { child } = await startExample('examples/express/server.ts');
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 300));
    child.kill();
    const all = out + stderr;
    assert.match(all, /GRANTKIT_SECRET_KEY is not set/);
    for (const secret of ['grantkit-dev-secret', 'grantkit-development-key-do-not-use-in-production']) {
      assert.ok(!all.includes(secret), 'a secret was printed');
    }
  });
});
