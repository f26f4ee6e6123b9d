import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Importing grantkit must not load what only some apps use: the IMAP client (loaded at the first
// IMAP login), the store drivers (loaded by their own entry points), and jose's root, which loads
// every JWE and JWS module jose has. Each check runs in a fresh process that lists every module
// it loaded.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const lister = fileURLToPath(new URL('./fixtures/loaded-modules/list.mjs', import.meta.url));
const ENTRY_POINTS = ['src/index.ts', 'adapters/express/index.ts', 'adapters/koa/index.ts', 'adapters/decorators/index.ts', 'adapters/passport/index.ts'];

function loadedBy(specifiers: readonly string[]): string[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', lister, ...specifiers], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

const entryUrls = ENTRY_POINTS.map((p) => pathToFileURL(`${root}/${p}`).href);
const packageOf = (url: string): string | undefined => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];

describe('what importing grantkit loads', () => {
  const loaded = loadedBy(entryUrls);
  const packages = new Set(loaded.map(packageOf).filter((p) => p !== undefined));

  it('loads the entry points (the listing works)', () => {
    for (const url of entryUrls) assert.ok(loaded.includes(url), url);
  });

  it('loads no IMAP client and no store driver', () => {
    const unwanted = ['imapflow', 'pg', 'ioredis', 'better-sqlite3'].filter((p) => packages.has(p));
    assert.deepEqual(unwanted, []);
  });

  it('loads jose by subpath, not its root', () => {
    assert.ok(packages.has('jose'));
    assert.deepEqual(loaded.filter((url) => url.endsWith('/node_modules/jose/dist/webapi/index.js')), []);
  });

  it('would see imapflow if it were loaded', () => {
    assert.ok(loadedBy(['imapflow']).some((url) => packageOf(url) === 'imapflow'));
  });
});
