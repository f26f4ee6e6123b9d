import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runGrantkit, type Run } from '../../support/cli-child.js';

/** Without GRANTKIT_STORE: a command that opened the store would warn that it uses the default. */
const NO_STORE = { GRANTKIT_STORE: undefined };

/** The commands `grantkit --help` lists, read from its "Commands:" block. */
function listedCommands(overview: string): string[] {
  const block = /^Commands:\n((?: {2}\S.*\n)+)/m.exec(overview);
  assert.ok(block, overview);
  return block[1]!
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/ {2,}/)[0]!);
}

/** Neither a store warning nor any other line on stderr. */
function quiet(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  assert.equal(r.stderr, '', `${what} wrote to stderr`);
  return r;
}

describe('grantkit --version and help', () => {
  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = quiet(await runGrantkit(NO_STORE, '--version'), '--version');
    assert.equal(r.stdout, `${version}\n`);
  });

  it('--help, -h and help list every command with what it does, and open no store', async () => {
    const [long, short, word] = await Promise.all([runGrantkit(NO_STORE, '--help'), runGrantkit(NO_STORE, '-h'), runGrantkit(NO_STORE, 'help')]);
    for (const r of [long, short, word]) quiet(r, 'help');
    assert.equal(short.stdout, long.stdout);
    assert.equal(word.stdout, long.stdout);
    assert.deepEqual(listedCommands(long.stdout), [
      'migrate',
      'api-keys create',
      'api-keys list',
      'api-keys revoke',
      'grants list',
      'grants revoke',
      'connectors list',
      'connectors serve',
      'connectors assign',
      'rotate-keys',
      'scopes',
    ]);
    assert.match(long.stdout, /^ {2}rotate-keys +Re-seals every grant's settings under the current key/m);
    assert.match(long.stdout, /--version/);
    assert.match(long.stdout, /GRANTKIT_STORE/);
  });

  it('bare grantkit prints the overview and exits 2', async () => {
    const r = await runGrantkit(NO_STORE);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^Usage: grantkit <command>/);
  });

  it('help <command> and <command> --help print the same: synopsis, options and an example, without a store warning', async () => {
    const commands = listedCommands(quiet(await runGrantkit(NO_STORE, '--help'), '--help').stdout);
    const runs = await Promise.all(
      commands.map(async (name) => {
        const words = name.split(' ');
        // A memory store would warn too, were it opened; and an option the command does not know
        // is no reason to withhold its help.
        const [viaHelp, viaFlag] = await Promise.all([
          runGrantkit({ GRANTKIT_STORE: 'memory' }, 'help', ...words),
          runGrantkit(NO_STORE, ...words, '--no-such-option', '--help'),
        ]);
        return { name, viaHelp: quiet(viaHelp, `help ${name}`), viaFlag: quiet(viaFlag, `${name} --help`) };
      }),
    );
    for (const { name, viaHelp, viaFlag } of runs) {
      assert.equal(viaFlag.stdout, viaHelp.stdout, name);
      const text = viaHelp.stdout;
      assert.ok(text.startsWith(`Usage: grantkit ${name}`), `${name}: ${text}`);
      assert.match(text, /^Options:\n(?: {2}-.*\n)*? {2}--help, -h +show this help$/m, name);
      assert.match(text, new RegExp(`^Examples?:\\n {2}.*npx grantkit ${name}`, 'm'), name);
    }
    const grantsList = runs.find((r) => r.name === 'grants list')!.viaHelp.stdout;
    for (const option of ['--client ID', '--email ADDRESS', '--provider NAME', '--limit N', '--json']) {
      assert.match(grantsList, new RegExp(`^ {2}${option} +\\S`, 'm'), option);
    }
    assert.match(runs.find((r) => r.name === 'rotate-keys')!.viaHelp.stdout, /GRANTKIT_SECRET_KEYS=new,old1,old2/);
  });

  it('help on a group, or the group with --help, lists its commands', async () => {
    const [viaHelp, viaFlag] = await Promise.all([runGrantkit(NO_STORE, 'help', 'api-keys'), runGrantkit(NO_STORE, 'api-keys', '--help')]);
    quiet(viaHelp, 'help api-keys');
    quiet(viaFlag, 'api-keys --help');
    assert.equal(viaFlag.stdout, viaHelp.stdout);
    for (const sub of ['create', 'list', 'revoke']) assert.match(viaHelp.stdout, new RegExp(`^ {2}grantkit api-keys ${sub}\\b`, 'm'), sub);
  });
});

describe('grantkit misused', () => {
  /** Exit 2, nothing on stdout, and the first line of stderr. */
  const misuse = (r: Run): string => {
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    return r.stderr.split('\n')[0]!;
  };

  it('an unknown command suggests the nearest one and exits 2', async () => {
    const [migrat, grnats, rotate, lst, far] = await Promise.all([
      runGrantkit(NO_STORE, 'migrat'),
      runGrantkit(NO_STORE, 'grnats', 'list'),
      runGrantkit(NO_STORE, 'rotate-kyes'),
      runGrantkit(NO_STORE, 'grants', 'lst'),
      runGrantkit(NO_STORE, 'frobnicate'),
    ]);
    assert.equal(misuse(migrat), 'grantkit: unknown command "migrat"; did you mean "migrate"?');
    assert.equal(misuse(grnats), 'grantkit: unknown command "grnats"; did you mean "grants"?');
    assert.equal(misuse(rotate), 'grantkit: unknown command "rotate-kyes"; did you mean "rotate-keys"?');
    assert.equal(misuse(lst), 'grantkit: unknown grants command "lst"; did you mean "list"?');
    assert.match(lst.stderr, /Run "grantkit help grants" for usage/);
    // Nothing is near: no guess.
    assert.equal(misuse(far), 'grantkit: unknown command "frobnicate"');
    assert.match(far.stderr, /Run "grantkit --help" for usage/);
  });

  it('an unknown option suggests the nearest one the command takes', async () => {
    const r = await runGrantkit(NO_STORE, 'grants', 'list', '--clinet', 'my-app');
    assert.equal(misuse(r), 'grantkit: unknown option --clinet; did you mean --client?');
    assert.match(r.stderr, /Run "grantkit help grants list" for usage/);
    assert.doesNotMatch(r.stderr, /GRANTKIT_STORE/, 'refused before the store was opened');
  });
});
