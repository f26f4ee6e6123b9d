import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);

/**
 * `npm test`'s node command with its reporters, run on files of this test's own: the file patterns
 * of package.json's "test" script are replaced, everything else is kept as written.
 */
async function npmTestOn(files: readonly string[]): Promise<string> {
  const pkg: unknown = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8'));
  const script = typeof pkg === 'object' && pkg !== null ? Reflect.get(Reflect.get(pkg, 'scripts') ?? {}, 'test') : undefined;
  assert.equal(typeof script, 'string');
  const [node, ...args] = String(script).split(/\s+/);
  assert.equal(node, 'node');
  const flags = args.filter((a) => !a.includes('*'));
  // Without the variable that tells a test process it reports to a parent run, so it uses its reporters.
  const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
  const { stdout } = await run(process.execPath, [...flags, ...files], { cwd: ROOT, env });
  return stdout;
}

const SKIPPING = `
import { describe, it } from 'node:test';
describe('needs a server', { skip: 'server not reachable' }, () => {
  it('never runs', () => { throw new Error('ran'); });
});
describe('pages', () => {
  it('opens a browser', (t) => { t.skip('browser not installed'); });
  it('also needs the server', { skip: 'server not reachable' }, () => {});
  it('runs', () => {});
});
`;

const PASSING = `
import { it } from 'node:test';
it('runs', () => {});
`;

describe("npm test's skip summary", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-skip-summary-'));
    await writeFile(join(dir, 'skipping.test.mjs'), SKIPPING);
    await writeFile(join(dir, 'passing.test.mjs'), PASSING);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('ends the run with every skipped test and suite, by reason, under its file and suites', async () => {
    const out = await npmTestOn([join(dir, 'skipping.test.mjs'), join(dir, 'passing.test.mjs')]);
    const summary = out.slice(out.lastIndexOf('\nSkipped: '));
    assert.ok(out.includes('✔ runs'), 'the spec reporter still reports each test');
    const lines = summary.trim().split('\n').map((l) => l.replace(/\S*skipping\.test\.mjs/, 'skipping.test.mjs'));
    assert.deepEqual(lines, [
      'Skipped: 3 tests or suites.',
      '  server not reachable',
      '    skipping.test.mjs › needs a server',
      '    skipping.test.mjs › pages › also needs the server',
      '  browser not installed',
      '    skipping.test.mjs › pages › opens a browser',
    ]);
  });

  it('says so when nothing was skipped', async () => {
    const out = await npmTestOn([join(dir, 'passing.test.mjs')]);
    assert.ok(out.trimEnd().endsWith('Skipped: nothing.'), out);
  });
});
