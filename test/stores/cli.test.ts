import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { Keyring } from '../../src/crypto/keyring.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../../src/crypto/tokens.js';
import { PostgresStore } from '../../src/store/sql/postgres.js';
import type { GrantRecord } from '../../src/store/records.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { MIGRATIONS } from '../../src/store/sql/migrations.js';
import { CLI_SOURCE, runGrantkit, type Run } from '../support/cli-child.js';
import { dropSchema, firstReleaseSchema, freshPostgresUrl, postgresUrl, probePostgres } from '../support/servers.js';

const OLD_KEY = 'old-key-'.padEnd(40, 'o');
const NEW_KEY = 'new-key-'.padEnd(40, 'n');
const LOST_KEY = 'lost-key-'.padEnd(40, 'l');
const PASSWORD = `pw-${randomUUID()}`;

/** `npx grantkit …` as a user runs it: a child process. */
const cli = runGrantkit;

function cliSuite(name: string, open: () => Promise<{ url: string; store: Store; cleanup: () => Promise<void> }>, skip: string | false): void {
  describe(`grantkit CLI against ${name}`, { skip }, () => {
    let url = '';
    let store: Store;
    let cleanup: () => Promise<void> = async () => {};
    const run = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> => cli({ GRANTKIT_STORE: url, ...env }, ...args);
    /** No output may hold a secret: the keys, a provider password or a token. */
    const secrets: string[] = [OLD_KEY, NEW_KEY, LOST_KEY, PASSWORD];
    const clean = (r: Run): Run => {
      for (const s of secrets) assert.ok(!(r.stdout + r.stderr).includes(s), 'the CLI printed a secret');
      return r;
    };

    let grant: GrantRecord;
    let accessToken: string;

    before(async () => {
      ({ url, store, cleanup } = await open());
      const m = await run({}, 'migrate');
      assert.equal(m.code, 0, m.stderr);
      // A grant whose provider settings are sealed under the old key, with a live access token.
      const id = randomUUID();
      grant = {
        id,
        clientId: 'cli-client',
        provider: 'sandbox',
        email: 'cli@example.com',
        name: 'CLI',
        scopes: ['email.read_only'],
        status: 'valid',
        settings: new Keyring([OLD_KEY]).seal(JSON.stringify({ password: PASSWORD }), id),
        createdAt: Date.now(),
        updatedAt: Date.now(),
      };
      await store.putGrant(grant);
      accessToken = newSecret(TOKEN_PREFIX.access);
      secrets.push(accessToken);
      await store.putToken({
        hash: hashSecret(accessToken),
        kind: 'access',
        clientId: grant.clientId,
        grantId: id,
        family: null,
        createdAt: Date.now(),
        expiresAt: null,
        data: null,
      });
    });
    after(async () => {
      await store?.close?.();
      await cleanup();
    });

    it('migrate is idempotent', async () => {
      const r = clean(await run({}, 'migrate'));
      assert.equal(r.code, 0, r.stderr);
    });

    it('api-keys: create prints the key once, list never does, revoke kills it', async () => {
      const created = clean(await run({}, 'api-keys', 'create', '--client', 'cli-client', '--label', 'ci deploy', '--expires-in', '30'));
      assert.equal(created.code, 0, created.stderr);
      const keys = created.stdout.match(/gk_key_[A-Za-z0-9_-]{43}/g) ?? [];
      assert.equal(keys.length, 1, created.stdout);
      const key = keys[0]!;
      const id = /key_[A-Za-z0-9_-]{16}/.exec(created.stdout)?.[0];
      assert.ok(id);
      const resolved = await store.resolve(hashSecret(key), Date.now());
      assert.equal(resolved?.token.kind, 'api_key');
      assert.ok(resolved.token.expiresAt !== null && resolved.token.expiresAt > Date.now() + 29 * 86_400_000);

      secrets.push(key);
      const listed = clean(await run({}, 'api-keys', 'list'));
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`${id}\\s+cli-client\\s.*ci deploy`));
      const json = JSON.parse(clean(await run({}, 'api-keys', 'list', '--json', '--client', 'cli-client')).stdout) as Array<{ id: string }>;
      assert.ok(json.some((k) => k.id === id));

      assert.equal(clean(await run({}, 'api-keys', 'revoke', id)).code, 0);
      assert.equal(await store.resolve(hashSecret(key), Date.now()), undefined);
      const again = clean(await run({}, 'api-keys', 'revoke', id));
      assert.equal(again.code, 1);
      assert.match(again.stderr, /no API key with id/);
      // A key itself is refused on the command line: it would land in shell history.
      assert.equal(clean(await run({}, 'api-keys', 'revoke', key)).code, 2);
    });

    it('grants list shows the grant and its key id, never its settings', async () => {
      const r = clean(await run({}, 'grants', 'list', '--client', 'cli-client', '--json'));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes(grant.settings!), 'sealed settings printed');
      const [row] = JSON.parse(r.stdout) as Array<{ id: string; sealed_with: string }>;
      assert.equal(row?.id, grant.id);
      assert.equal(row?.sealed_with, new Keyring([OLD_KEY]).currentKeyId);
      const text = clean(await run({}, 'grants', 'list', '--email', 'CLI@example.com'));
      assert.match(text.stdout, new RegExp(`^${grant.id}\\s+cli-client\\s+sandbox\\s+cli@example.com\\s+valid`, 'm'));
    });

    it('rotate-keys re-seals every grant under the current key, and reports what it cannot open', async () => {
      const dry = clean(await run({ GRANTKIT_SECRET_KEYS: `${NEW_KEY},${OLD_KEY}` }, 'rotate-keys', '--dry-run'));
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /would re-seal 1 grant/);
      assert.equal((await store.getGrant(grant.id))?.settings, grant.settings);

      const r = clean(await run({ GRANTKIT_SECRET_KEY: NEW_KEY, GRANTKIT_OLD_SECRET_KEYS: OLD_KEY }, 'rotate-keys'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /re-sealed 1 grant\(s\); 0 already current/);
      const after = await store.getGrant(grant.id);
      assert.ok(after?.settings);
      assert.equal(Keyring.keyIdOf(after.settings), new Keyring([NEW_KEY]).currentKeyId);
      // The new key alone opens it now, bound to the same grant id; nothing else changed.
      assert.deepEqual(JSON.parse(new Keyring([NEW_KEY]).open(after.settings, grant.id)), { password: PASSWORD });
      assert.deepEqual({ ...after, settings: null }, { ...grant, settings: null });

      // A grant sealed under a key nobody passes: reported by id, exit 1, the rest still done.
      const lostId = randomUUID();
      await store.putGrant({ ...grant, id: lostId, email: 'lost@example.com', settings: new Keyring([LOST_KEY]).seal('{}', lostId) });
      const partial = clean(await run({ GRANTKIT_SECRET_KEYS: `${NEW_KEY},${OLD_KEY}` }, 'rotate-keys'));
      assert.equal(partial.code, 1);
      assert.match(partial.stdout, /re-sealed 0 grant\(s\); 1 already current/);
      assert.match(partial.stderr, new RegExp(lostId));
      await store.deleteGrant(lostId);
    });

    it('rotate-keys refuses bad key settings without echoing them', async () => {
      const short = clean(await run({ GRANTKIT_SECRET_KEYS: `${NEW_KEY},hunter2` }, 'rotate-keys'));
      assert.equal(short.code, 2);
      assert.match(short.stderr, /key 2 in GRANTKIT_SECRET_KEYS is shorter than 32 characters/);
      assert.ok(!short.stderr.includes('hunter2'));
      const both = clean(await run({ GRANTKIT_SECRET_KEYS: NEW_KEY, GRANTKIT_SECRET_KEY: NEW_KEY }, 'rotate-keys'));
      assert.equal(both.code, 2);
      const none = await run({ GRANTKIT_SECRET_KEYS: '', GRANTKIT_SECRET_KEY: '' }, 'rotate-keys');
      assert.equal(none.code, 2);
    });

    it('grants revoke --keep-grant kills the tokens; grants revoke deletes the grant', async () => {
      assert.ok(await store.resolve(hashSecret(accessToken), Date.now()));
      const keep = clean(await run({}, 'grants', 'revoke', grant.id, '--keep-grant'));
      assert.equal(keep.code, 0, keep.stderr);
      assert.match(keep.stdout, /Revoked 1 token\(s\)/);
      assert.equal(await store.resolve(hashSecret(accessToken), Date.now()), undefined);
      assert.ok(await store.getGrant(grant.id));
      assert.equal(clean(await run({}, 'grants', 'revoke', grant.id)).code, 0);
      assert.equal(await store.getGrant(grant.id), undefined);
      const missing = clean(await run({}, 'grants', 'revoke', grant.id));
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no grant with id/);
    });

    it('misuse exits 2 with a clear message', async () => {
      for (const args of [['frobnicate'], ['grants'], ['grants', 'list', '--nope'], ['grants', 'list', '--limit', 'x'], ['api-keys', 'create', '--client']]) {
        const r = clean(await run({ GRANTKIT_CLIENT_ID: '' }, ...args));
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^grantkit: /, args.join(' '));
      }
      const bad = await cli({ GRANTKIT_STORE: 'mysql://root:hunter2@db/app' }, 'grants', 'list');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /GRANTKIT_STORE: unknown scheme "mysql"/);
      assert.ok(!bad.stderr.includes('hunter2'));
      const help = await cli({}, '--help');
      assert.equal(help.code, 0);
      assert.match(help.stdout, /rotate-keys/);
    });
  });
}

cliSuite(
  'SQLite',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantkit-cli-'));
    const file = join(dir, 'grantkit.db');
    return { url: `sqlite:${file}`, store: new SqliteStore({ filename: file }), cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  false,
);

cliSuite(
  'PostgreSQL',
  async () => {
    const schema = `gk_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    return {
      url: url.href,
      // Opened after the CLI's migrate ran in before(): the store itself never creates the schema.
      store: new PostgresStore({ connectionString: postgresUrl, schema }),
      cleanup: () => dropSchema(schema),
    };
  },
  await probePostgres(),
);

describe('grantkit CLI on a PostgreSQL schema that was not migrated', { skip: await probePostgres() }, () => {
  const fresh = freshPostgresUrl();
  after(() => fresh.cleanup());

  it('says to run migrate, not what the driver said; migrate then counts what it applied', async () => {
    for (const args of [['grants', 'list'], ['api-keys', 'list'], ['connectors', 'list']]) {
      const r = await cli({ GRANTKIT_STORE: fresh.url }, ...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'grantkit: the store has no grantkit tables yet: run `npx grantkit migrate` first\n', args.join(' '));
    }
    const migrated = await cli({ GRANTKIT_STORE: fresh.url }, 'migrate');
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal(migrated.stdout, `Applied ${MIGRATIONS.length} migration(s): ${MIGRATIONS.map((m) => m.name).join(', ')}. The schema is up to date.\n`);
    const again = await cli({ GRANTKIT_STORE: fresh.url }, 'migrate');
    assert.equal(again.stdout, 'Applied 0 migrations: the schema is up to date.\n');
    const json = await cli({ GRANTKIT_STORE: fresh.url }, 'migrate', '--json');
    assert.deepEqual(JSON.parse(json.stdout), { applied: [] });
    const listed = await cli({ GRANTKIT_STORE: fresh.url }, 'grants', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'No grants.\n');
  });

  it('says to run migrate on a schema an earlier release left', async () => {
    const schema = `gk_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await firstReleaseSchema(client, schema);
    } finally {
      await client.end();
    }
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    try {
      const r = await cli({ GRANTKIT_STORE: url.href }, 'grants', 'list');
      assert.equal(r.code, 1);
      assert.equal(r.stderr, "grantkit: the store's tables are from an earlier version of grantkit: run `npx grantkit migrate` first\n");
      const migrated = await cli({ GRANTKIT_STORE: url.href }, 'migrate', '--json');
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.deepEqual(JSON.parse(migrated.stdout), { applied: MIGRATIONS.filter((m) => m.id > 2).map((m) => m.name) });
    } finally {
      await dropSchema(schema);
    }
  });
});

/**
 * Runs the CLI with its stdout and stderr on a terminal, through util-linux `script`, and returns
 * what the terminal showed (both streams, as one).
 */
function onTerminal(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, '--import', 'tsx', CLI_SOURCE, ...args].map(quote).join(' ');
  return new Promise((resolve) => {
    execFile('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('grantkit rotate-keys over many grants', () => {
  /** More than two of the pages rotate-keys reads (500 grants each). */
  const COUNT = 1_234;
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-cli-many-'));
    const file = join(dir, 'grantkit.db');
    env = { GRANTKIT_STORE: `sqlite:${file}`, GRANTKIT_SECRET_KEYS: `${NEW_KEY},${OLD_KEY}` };
    const store = new SqliteStore({ filename: file });
    const old = new Keyring([OLD_KEY]);
    const now = Date.now();
    for (let i = 0; i < COUNT; i++) {
      const id = randomUUID();
      // Every tenth grant has no settings; the rest are sealed under the old key.
      const settings = i % 10 === 0 ? null : old.seal('{}', id);
      await store.putGrant({ id, clientId: 'many', provider: 'sandbox', email: `u${i}@example.com`, name: 'Many', scopes: [], status: 'valid', settings, createdAt: now + i, updatedAt: now + i });
    }
    await store.close?.();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const withSettings = COUNT - Math.ceil(COUNT / 10);

  it('ends with the counts of what it did, and prints no progress when stderr is not a terminal', async () => {
    const dry = await cli(env, 'rotate-keys', '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(JSON.parse(dry.stdout), {
      current_key: new Keyring([NEW_KEY]).currentKeyId,
      dry_run: true,
      checked: COUNT,
      resealed: withSettings,
      already_current: 0,
      without_settings: COUNT - withSettings,
      changed_meanwhile: 0,
      unreadable: [],
    });
    const r = await cli(env, 'rotate-keys');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Current key \\S+: re-sealed ${withSettings} grant\\(s\\); 0 already current, ${COUNT - withSettings} without settings; ${COUNT} grant\\(s\\) checked\\.\n$`));
    // Piped, as in a script or a CI log: the result and nothing else.
    for (const run of [dry, r]) {
      assert.equal(run.stderr, '');
      assert.doesNotMatch(run.stdout, /\r|\x1b/);
    }
    const again = await cli(env, 'rotate-keys');
    assert.match(again.stdout, new RegExp(`re-sealed 0 grant\\(s\\); ${withSettings} already current, ${COUNT - withSettings} without settings; ${COUNT} grant\\(s\\) checked`));
  });

  it('shows its progress on a terminal, in place, and none with --json', { skip: platform() === 'linux' ? false : 'needs util-linux script for a terminal' }, async () => {
    const shown = await onTerminal(env, 'rotate-keys');
    assert.equal(shown.code, 0, shown.stdout);
    // A progress line is drawn and then cleared before the result is printed.
    assert.match(shown.stdout, /\rrotate-keys: \d+ grant\(s\) checked, \d+ re-sealed\x1b\[K/);
    assert.match(shown.stdout, new RegExp(`\\r\\x1b\\[KCurrent key \\S+: re-sealed 0 grant\\(s\\); ${withSettings} already current.*; ${COUNT} grant\\(s\\) checked\\.`));
    const json = await onTerminal(env, 'rotate-keys', '--json');
    assert.equal(json.code, 0, json.stdout);
    assert.doesNotMatch(json.stdout, /\x1b|grant\(s\) checked/);
    assert.equal(JSON.parse(json.stdout).checked, COUNT);
  });
});
