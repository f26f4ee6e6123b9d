import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/run.js';
import type { ScopeReport } from '../../../src/index.js';
import { runGrantkit } from '../../support/cli-child.js';

/** A fixture module's path, as an operator would type it. */
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/scopes/${name}.ts`, import.meta.url));

interface Ran {
  readonly code: number;
  readonly out: readonly string[];
  readonly err: readonly string[];
}

/** The CLI in this process: the fixtures' apps are made by the same grantkit modules the command reads them with. */
async function run(...argv: string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env: {}, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

async function json(...argv: string[]): Promise<ScopeReport> {
  const r = await run('scopes', ...argv, '--json');
  assert.equal(r.code, 0, r.err.join('\n'));
  const report: ScopeReport = JSON.parse(r.out.join('\n'));
  return report;
}

describe('grantkit scopes: the table', () => {
  it('prints the guarded routes, the least-privileged scopes, the connectors and the warnings', async () => {
    const r = await run('scopes', fixture('mail-app'));
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.deepEqual(r.err, []);
    assert.deepEqual(r.out, [
      'Guarded routes (2)',
      '  METHOD  PATH       SATISFIED BY',
      '  GET     /messages  email.read_only | email.modify | email',
      '  POST    /send      email.send | email',
      '',
      'Least-privileged scopes for every route',
      '  Nylas      email.read_only, email.send',
      '  Google     https://www.googleapis.com/auth/gmail.readonly, https://www.googleapis.com/auth/gmail.send',
      '  Microsoft  Mail.Read, Mail.Send',
      '',
      'Connectors',
      '  none',
      '',
      'Warnings',
      "  - The scopes of the defaultScopes option (email, calendar, contacts) allow more than the app's routes need " +
        '(email, email.modify, email.folders_and_labels, email.drafts, calendar, calendar.read_only, contacts, contacts.read_only); ' +
        'email.read_only, email.send cover every route.',
    ]);
  });

  it('an app with no guarded route says so in every section', async () => {
    const r = await run('scopes', fixture('open-app'));
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.deepEqual(r.out, [
      'Guarded routes (0)',
      '  none: no grantkit guard covers a route of this app',
      '',
      'Least-privileged scopes for every route',
      '  Nylas      -',
      '  Google     -',
      '  Microsoft  -',
      '',
      'Connectors',
      '  none',
      '',
      'Warnings',
      "  - The scopes of the defaultScopes option (contacts) allow more than the app's routes need (contacts, contacts.read_only); no route needs a scope.",
    ]);
  });
});

describe('grantkit scopes: what a module may export', () => {
  it('an @koa/router router alone, with a guard that needs two scopes at once', async () => {
    const report = await json(fixture('koa-router'));
    assert.deepEqual(
      report.routes.map((r) => [r.method, r.path, r.satisfiedBy]),
      [['GET', '/agenda', [['email.read_only', 'calendar'], ['email.modify', 'calendar'], ['email', 'calendar']]]],
    );
    assert.deepEqual(report.nylas.scopes, ['email.read_only', 'calendar']);
    // The kit's default scopes are calendar (not read-only) and email.read_only: exactly what is needed.
    assert.deepEqual(report.warnings, []);
  });

  it('the grantkit middleware next to the app: its kit is the one reported on', async () => {
    const report = await json(fixture('exported-gk'));
    assert.deepEqual(report.nylas.scopes, ['calendar.read_only']);
    // That kit's defaults fit; the other kit's (the SDKs' email, calendar, contacts) would be wider.
    assert.deepEqual(report.warnings, []);
  });

  it('several apps: --export names the one', async () => {
    const r = await run('scopes', fixture('two-apps'));
    assert.equal(r.code, 2);
    assert.match(r.err[0] ?? '', /exports several apps \(calendar, mail\); name one with --export$/);
    assert.equal(r.err[1], 'Run "grantkit help scopes" for usage.');
    const report = await json(fixture('two-apps'), '--export', 'calendar');
    assert.deepEqual(report.routes.map((x) => x.path), ['/events']);
  });

  it('--export naming no export, or one that is no app', async () => {
    const missing = await run('scopes', fixture('two-apps'), '--export', 'mial');
    assert.equal(missing.code, 2);
    assert.match(missing.err[0] ?? '', /has no export "mial"$/);
    const notApp = await run('scopes', fixture('exported-gk'), '--export', 'gk');
    assert.equal(notApp.code, 1);
    assert.match(notApp.err[0] ?? '', /the export "gk" is not an Express or Koa app or router$/);
  });

  it('an app that holds no grantkit middleware', async () => {
    const r = await run('scopes', fixture('unguarded'));
    assert.equal(r.code, 1);
    assert.match(r.err[0] ?? '', /^grantkit: scopes failed: .*unguarded\.ts: the app exported as "default" holds no grantkit guard\./);
  });

  it('no module there, and no module given', async () => {
    const gone = await run('scopes', 'no/such/app.js');
    assert.equal(gone.code, 1);
    assert.match(gone.err[0] ?? '', /^grantkit: scopes failed: no module at \/.*\/no\/such\/app\.js$/);
    const none = await run('scopes');
    assert.equal(none.code, 2);
    assert.equal(none.err[0], 'grantkit: expected MODULE');
  });
});

describe('grantkit scopes, as a process', () => {
  it('prints the report and exits 0, without a store warning', async () => {
    const r = await runGrantkit({ GRANTKIT_STORE: undefined }, 'scopes', fixture('mail-app'), '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const report: ScopeReport = JSON.parse(r.stdout);
    assert.deepEqual(report.nylas.scopes, ['email.read_only', 'email.send']);
  });

  it('a module that made no grantkit middleware at all', async () => {
    const r = await runGrantkit({}, 'scopes', fixture('no-grantkit'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no-grantkit\.ts made no grantkit middleware: build the app with grantkit\(kit\)/);
  });
});
