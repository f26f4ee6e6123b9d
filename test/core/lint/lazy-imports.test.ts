import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Importing grantkit must not load what only some apps use: the IMAP client (loaded at the first
// IMAP login), the store drivers (loaded by their own entry points), jose (loaded at the first
// id_token, JWKS or service account, by subpath: its root loads every JWE and JWS module jose
// has), passport-oauth2 (at the first hosted sign-in), and the route handlers with the flows they
// call (each at its route's first request). Each check runs in a fresh process that lists every
// module it loaded.
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

  it('loads no jose and no passport-oauth2', () => {
    assert.deepEqual(['jose', 'passport-oauth2'].filter((p) => packages.has(p)), []);
  });

  it('loads no page words: negotiator and the catalogues load with the first sign-in page', () => {
    assert.equal(packages.has('negotiator'), false);
    assert.deepEqual(loaded.filter((url) => /\/src\/locales\//.test(url)), []);
  });

  it('imports jose by subpath, never its root', () => {
    const sources = execFileSync('git', ['grep', '-l', '-E', "(from|import\\() ?'jose'", '--', 'src', 'adapters'], { cwd: root, encoding: 'utf8' }).split('\n');
    const typeOnly = (file: string): boolean => readFileSync(join(root, file), 'utf8').split('\n').every((l) => !/'jose'/.test(l) || /^import type /.test(l));
    assert.deepEqual(sources.filter((f) => f !== '' && !typeOnly(f)), []);
  });

  it('loads no route handler, flow module or sign-in page', () => {
    const handlers = loaded.filter((url) => /\/src\/(routes\/(v2|v3|well-known)\/|flows\/custom|oauth\/(token|authorize|callback|credential-sign-in|email-step)\.)/.test(url));
    assert.deepEqual(handlers, []);
  });

  it('would see imapflow if it were loaded', () => {
    assert.ok(loadedBy(['imapflow']).some((url) => packageOf(url) === 'imapflow'));
  });
});
