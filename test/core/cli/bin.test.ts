import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNode } from '../../support/cli-child.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

/**
 * `npx grantkit` from an installed package: the bin, package.json and the compiled CLI under
 * node_modules/grantkit, next to the package's dependencies and the one driver the test uses,
 * and nothing else (no tsx, no TypeScript). The CLI is compiled the way `npm run build` compiles
 * it (tsconfig.build.json), limited to the modules it imports, into a temporary directory, so the
 * checkout's dist/ is neither needed nor written.
 */
describe('the grantkit bin, installed', () => {
  let dir = '';
  let bin = '';
  let linkedBin = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-bin-'));
    const modules = join(dir, 'node_modules');
    const pkg = join(modules, 'grantkit');
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.build.json'),
        compilerOptions: { rootDir: ROOT, outDir: join(pkg, 'dist'), declaration: false, typeRoots: [join(ROOT, 'node_modules/@types')] },
        include: [],
        files: [join(ROOT, 'src/cli/main.ts')],
      }),
    );
    const tsc = await runNode([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]);
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);
    await mkdir(join(pkg, 'bin'));
    bin = join(pkg, 'bin/grantkit.js');
    await copyFile(join(ROOT, 'bin/grantkit.js'), bin);
    await copyFile(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    for (const dep of [...Object.keys(manifest.dependencies), 'better-sqlite3']) {
      await mkdir(dirname(join(modules, dep)), { recursive: true });
      await symlink(join(ROOT, 'node_modules', dep), join(modules, dep));
    }
    // As npm links a package's bin.
    await mkdir(join(modules, '.bin'));
    linkedBin = join(modules, '.bin/grantkit');
    await symlink('../grantkit/bin/grantkit.js', linkedBin);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('tsx cannot be loaded from the package', async () => {
    const r = await runNode(['--input-type=module', '-e', "await import('tsx')"], {}, join(dir, 'node_modules/grantkit'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Cannot find package 'tsx'/);
  });

  it('runs the compiled CLI: --version, --help, and a command against a store', async () => {
    const version = await runNode([linkedBin, '--version']);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `${manifest.version}\n`);
    const help = await runNode([bin, 'help', 'grants', 'list']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: grantkit grants list/);
    const listed = await runNode([linkedBin, 'grants', 'list', '--json'], { GRANTKIT_STORE: `sqlite:${join(dir, 'grantkit.db')}` });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, '[]\n');
  });

  it('without a build, says to build instead of reaching for tsx', async () => {
    const bare = join(dir, 'unbuilt/bin/grantkit.js');
    await mkdir(dirname(bare), { recursive: true });
    await copyFile(join(ROOT, 'bin/grantkit.js'), bare);
    const r = await runNode([bare, '--version']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^grantkit: the CLI is not built .*Run `npm run build` first/);
    assert.doesNotMatch(r.stderr, /Cannot find package/);
  });
});
