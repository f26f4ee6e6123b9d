import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { mustRun, run, seconds, type Ran } from './commands.js';
import { typeErrors } from './type-errors.js';

/**
 * grantkit as a user gets it: one `npm pack` (prepack builds dist/), then small apps, made from
 * the templates in fixtures/, that install the tarball from a temporary folder with their own
 * dependencies and run or type-check as a user's would. publint and attw check the package's
 * metadata and its types for every entry point.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'package', 'fixtures');
const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline'];

/** Apps that start, sign in with the sandbox provider and read through a guard; each prints "ok" last. */
const APPS = [
  { fixture: 'esm-express5', main: 'app.mjs' },
  { fixture: 'cjs-express4', main: 'app.cjs' },
  { fixture: 'koa3-router', main: 'app.mjs' },
] as const;
/** The TypeScript set-ups, each a tsconfig.NAME.json in fixtures/typescript. */
const TYPESCRIPT_SETUPS = ['node16', 'nodenext', 'bundler'] as const;
/**
 * Flags a fixture's install adds: sqlite-unbuilt has better-sqlite3 without its install script, as
 * a package manager that skips unapproved scripts leaves it (an npm that still runs them would
 * build it otherwise).
 */
const INSTALL_FLAGS: Readonly<Record<string, readonly string[]>> = { 'sqlite-unbuilt': ['--ignore-scripts'] };
const FIXTURE_NAMES = [...APPS.map((a) => a.fixture), 'typescript', ...Object.keys(INSTALL_FLAGS)];

const manifest: { engines: { node: string }; exports: Record<string, string | { default?: string }> } = JSON.parse(
  await readFile(join(ROOT, 'package.json'), 'utf8'),
);
const packageExports = manifest.exports;
/** The oldest Node the engines field admits: ">=20.19" is 20.19.0. */
function engineFloor(range: string): string {
  const floor = /^>=(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range);
  if (!floor) throw new Error(`engines.node is "${range}"; this test reads its floor from the form ">=MAJOR.MINOR[.PATCH]"`);
  return `${floor[1]}.${floor[2]}.${floor[3] ?? 0}`;
}
const FLOOR = engineFloor(manifest.engines.node);

/** Other Node versions the apps run on, installed from the npm registry as packages of binaries. */
const RUNTIMES = [
  { alias: 'node-floor', spec: FLOOR, label: `Node ${FLOOR} (the engines floor)`, version: new RegExp(`^v${FLOOR.replaceAll('.', '\\.')}$`) },
  { alias: 'node-22', spec: '^22', label: 'Node 22', version: /^v22\./ },
  { alias: 'node-24', spec: '^24', label: 'Node 24', version: /^v24\./ },
];
/** The registry's package of Node binaries for this machine, where there is one with a bin/node. */
const NODE_PACKAGE = ['linux', 'darwin'].includes(process.platform) ? `node-${process.platform}-${process.arch}` : undefined;

/** Why the registry cannot be used, or false when it answers. */
async function registryDown(): Promise<string | false> {
  const ping = await run('npm', ['ping', '--fetch-retries=0'], { cwd: tmpdir(), timeoutMs: 30_000 }).catch((e: Error) => e);
  if (ping instanceof Error) return ping.message;
  if (ping.code === 0) return false;
  const errors = ping.stderr.split('\n').filter((line) => line.startsWith('npm error'));
  const said = errors.find((line) => line.includes('request to')) ?? errors[0] ?? '';
  return `npm ping ${ping.code === null ? 'had no answer within 30 s' : `exited ${ping.code}`}${said ? `: ${said}` : ''}`;
}
const offline = await registryDown();

interface Packed {
  readonly tarball: string;
  readonly files: readonly string[];
  readonly ms: number;
}

/**
 * Packs a copy of the work tree, so the build that prepack makes lands in the copy and the
 * checkout's own dist/ (which bin/grantkit.js prefers to the sources) is left as it was.
 */
async function pack(work: string): Promise<Packed> {
  const started = performance.now();
  const stage = join(work, 'stage');
  const skipped = new Set(['.git', 'node_modules', 'dist', '.bench']);
  await cp(ROOT, stage, { recursive: true, filter: (src) => !skipped.has(src.slice(ROOT.length).split('/')[0] ?? '') });
  await symlink(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const ran = await mustRun('npm', ['pack', '--json', '--pack-destination', work], { cwd: stage });
  const [report]: { filename: string; files: { path: string }[] }[] = JSON.parse(ran.stdout.slice(ran.stdout.indexOf('[')));
  assert.ok(report, 'npm pack reported no package');
  return { tarball: join(work, report.filename), files: report.files.map((f) => f.path), ms: performance.now() - started };
}

/** A fixture's folder, made from its template, with the tarball and its own dependencies installed. */
async function installFixture(work: string, name: string, tarball: string): Promise<{ dir: string; ms: number }> {
  const dir = join(work, name);
  await cp(join(FIXTURES, name), dir, { recursive: true });
  if (APPS.some((a) => a.fixture === name)) await cp(join(FIXTURES, 'sign-in.mjs'), join(dir, 'sign-in.mjs'));
  const ran = await mustRun('npm', [...NPM_INSTALL, ...(INSTALL_FLAGS[name] ?? []), tarball], { cwd: dir });
  return { dir, ms: ran.ms };
}

/** The node binary of each other runtime, by alias, all installed by one npm command. */
async function installRuntimes(work: string, nodePackage: string): Promise<{ nodes: Map<string, string>; ms: number }> {
  const dir = join(work, 'runtimes');
  await mkdir(dir);
  await writeFile(join(dir, 'package.json'), '{ "private": true }\n');
  const ran = await mustRun('npm', [...NPM_INSTALL, ...RUNTIMES.map((r) => `${r.alias}@npm:${nodePackage}@${r.spec}`)], { cwd: dir });
  return { nodes: new Map(RUNTIMES.map((r) => [r.alias, join(dir, 'node_modules', r.alias, 'bin', 'node')])), ms: ran.ms };
}

/** A promise whose rejection is reported where it is awaited, not as an unhandled rejection before then. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

function assertApp(ran: Ran, version: RegExp): void {
  const shown = `exit ${ran.code}\n--- stdout\n${ran.stdout}--- stderr\n${ran.stderr}`;
  assert.equal(ran.code, 0, shown);
  const lines = ran.stdout.trim().split('\n');
  assert.match(lines[0]?.replace(/^node /, '') ?? '', version, shown);
  assert.match(ran.stdout, /^bad input: 400$/m, shown);
  assert.match(ran.stdout, /^signed in: account [\w-]+ for ada@example\.com$/m, shown);
  assert.match(ran.stdout, /^guarded read: 200 with grant [\w-]+$/m, shown);
  assert.match(ran.stdout, /^missing scope: 403$/m, shown);
  assert.equal(lines.at(-1), 'ok', shown);
  assert.equal(ran.stderr, '', `a user would see this on stderr:\n${shown}`);
}

// The steps after the pack wait on their own installs only, so they run side by side.
describe('the packed package, installed and used as a user would', { skip: !process.env['CI'] && offline, timeout: 900_000, concurrency: true }, () => {
  let work = '';
  let packed: Packed;
  let installs: Map<string, Promise<{ dir: string; ms: number }>>;
  let runtimes: Promise<{ nodes: Map<string, string>; ms: number }> | undefined;

  before(async () => {
    if (offline) throw new Error(`the npm registry is needed and does not answer: ${offline}`);
    work = await mkdtemp(join(tmpdir(), 'grantkit-package-'));
    // The runtimes need no tarball: they download while the package builds.
    runtimes = NODE_PACKAGE === undefined ? undefined : later(installRuntimes(work, NODE_PACKAGE));
    packed = await pack(work);
    installs = new Map(FIXTURE_NAMES.map((name) => [name, later(installFixture(work, name, packed.tarball))]));
  });

  after(async () => {
    // An install still running would write into the folder as it goes.
    await Promise.allSettled([...(installs?.values() ?? []), runtimes]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs package.json, README.md, LICENSE, bin/ and the build in dist/, and nothing else', (t) => {
    t.diagnostic(`copy and npm pack (prepack builds dist/): ${seconds(packed.ms)}`);
    const top = new Set(packed.files.map((f) => (f.startsWith('dist/') ? 'dist/' : f)));
    assert.deepEqual([...top].sort(), ['LICENSE', 'README.md', 'bin/grantkit.js', 'dist/', 'package.json']);
    for (const entry of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/adapters/express/index.js', 'dist/src/cli/main.js']) {
      assert.ok(packed.files.includes(entry), `${entry} is missing from the tarball`);
    }
  });

  it('ships the build bundled: one JavaScript file per entry point, the rest in chunks they share', () => {
    const entries = new Set(
      Object.values(packageExports)
        .flatMap((target) => (typeof target === 'object' && typeof target.default === 'string' ? [target.default.slice(2)] : []))
        .concat('dist/src/cli/main.js'),
    );
    const scripts = packed.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    const loose = scripts.filter((f) => !entries.has(f) && !f.startsWith('dist/chunks/'));
    assert.deepEqual(loose, [], 'JavaScript outside the entry points and dist/chunks/: the build was not bundled');
    assert.ok(scripts.some((f) => f.startsWith('dist/chunks/')), 'no shared chunks');
  });

  it("bundles the part of zod it uses, without zod's translations, and imports no other copy of zod", async () => {
    const scripts = packed.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    const texts = await Promise.all(scripts.map(async (f) => [f, await readFile(join(work, 'stage', f), 'utf8')] as const));
    const importing = texts.filter(([, text]) => /\bfrom\s*["']zod(\/[^"']*)?["']|\bimport\(\s*["']zod/.test(text)).map(([f]) => f);
    assert.deepEqual(importing, [], 'these files import the zod package instead of the bundled part');
    const holding = texts.filter(([, text]) => text.includes('$constructor("ZodObject"')).map(([f]) => f);
    assert.equal(holding.length, 1, `zod's code should be in one shared chunk, found in: ${holding.join(', ') || 'none'}`);
    // A message that only zod's German translation has.
    const translated = texts.filter(([, text]) => text.includes('Ungültige Eingabe')).map(([f]) => f);
    assert.deepEqual(translated, [], "zod's translations were bundled");
  });

  it('passes publint', async (t) => {
    const ran = await run(bin('publint'), [packed.tarball], { cwd: work });
    t.diagnostic(`publint: ${seconds(ran.ms)}`);
    assert.equal(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
  });

  it('passes attw with the ESM-only profile', async (t) => {
    const ran = await run(bin('attw'), [packed.tarball, '--profile', 'esm-only'], { cwd: work });
    t.diagnostic(`attw: ${seconds(ran.ms)}`);
    assert.equal(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
  });

  it('installs in each fixture with npm, in parallel from one cache', async (t) => {
    for (const [name, install] of installs) t.diagnostic(`npm install in ${name}: ${seconds((await install).ms)}`);
  });

  it(`installs Node ${RUNTIMES.map((r) => r.spec).join(', ')} from the npm registry`, async (t) => {
    if (!runtimes) return t.skip(`the npm registry has no package of Node binaries for ${process.platform}-${process.arch}`);
    t.diagnostic(`npm install of ${NODE_PACKAGE} ${RUNTIMES.map((r) => r.spec).join(', ')}: ${seconds((await runtimes).ms)}`);
  });

  describe('apps run and sign in', { concurrency: 3 }, () => {
    for (const app of APPS) {
      it(`${app.fixture} on this Node (${process.version})`, async () => {
        const { dir } = await installs.get(app.fixture)!;
        assertApp(await run(process.execPath, [app.main], { cwd: dir, timeoutMs: 60_000 }), new RegExp(`^${process.version.replaceAll('.', '\\.')}$`));
      });
      for (const runtime of RUNTIMES) {
        it(`${app.fixture} on ${runtime.label}`, async (t) => {
          if (!runtimes) return t.skip(`the npm registry has no package of Node binaries for ${process.platform}-${process.arch}`);
          const [{ nodes }, { dir }] = await Promise.all([runtimes, installs.get(app.fixture)!]);
          assertApp(await run(nodes.get(runtime.alias)!, [app.main], { cwd: dir, timeoutMs: 60_000 }), runtime.version);
        });
      }
    }
  });

  it('says what to run when better-sqlite3 was installed without its native module, and that works', async (t) => {
    const { dir } = await installs.get('sqlite-unbuilt')!;
    const open = async (): Promise<string> => {
      const ran = await run(process.execPath, ['app.mjs'], { cwd: dir, timeoutMs: 60_000 });
      assert.equal(ran.code, 0, `exit ${ran.code}\n--- stdout\n${ran.stdout}--- stderr\n${ran.stderr}`);
      return ran.stdout.trim();
    };
    assert.equal(
      await open(),
      "SqliteStore: better-sqlite3's native module is missing: its install script did not run. " +
        'Allow the script, then rebuild: npm install-scripts approve better-sqlite3 (where npm has that command), ' +
        'then npm rebuild better-sqlite3; with pnpm, pnpm approve-builds.',
    );
    // The advice, as given (the rebuild compiles SQLite when no prebuilt module can be fetched: about a minute).
    await mustRun('npm', ['install-scripts', 'approve', 'better-sqlite3'], { cwd: dir });
    const rebuilt = await mustRun('npm', ['rebuild', 'better-sqlite3'], { cwd: dir, timeoutMs: 600_000 });
    t.diagnostic(`npm rebuild better-sqlite3: ${seconds(rebuilt.ms)}`);
    assert.equal(await open(), 'opened');
  });

  // With this repository's TypeScript, and skipLibCheck off, so grantkit's declarations are checked too.
  describe('TypeScript type-checks under strict', { concurrency: 3 }, () => {
    for (const setup of TYPESCRIPT_SETUPS) {
      it(`with tsconfig.${setup}.json`, async (t) => {
        const { dir } = await installs.get('typescript')!;
        const ran = await run(bin('tsc'), ['-p', `tsconfig.${setup}.json`, '--pretty', 'false'], { cwd: dir });
        t.diagnostic(`tsc ${setup}: ${seconds(ran.ms)}`);
        const { ours, theirs } = typeErrors(ran.stdout);
        for (const error of theirs) t.diagnostic(`not grantkit's, ignored: ${error}`);
        assert.deepEqual(ours, [], ran.stdout);
        assert.ok(ran.code === 0 || theirs.length > 0, `tsc exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`);
      });
    }
  });
});
