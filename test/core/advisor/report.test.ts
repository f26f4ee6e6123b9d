import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildScopeReport, type ConnectorDefaults, type GuardedRouteNeed } from '../../../src/advisor/report.js';
import { v2ScopeGraph } from '../../../src/index.js';
import type { ScopeCheck } from '../../../src/scopes/least-privilege.js';
import { GOOGLE_PREFIX } from '../../../src/scopes/provider-google.js';

const g = (s: string): string => GOOGLE_PREFIX + s;
const any = (...scopes: string[]): ScopeCheck => ({ mode: 'any', scopes });
const route = (method: string, path: string, ...requirements: ScopeCheck[]): GuardedRouteNeed => ({ method, path, requirements });

/** A mail app: reads messages and sends, nothing else. */
const MAIL_ROUTES: readonly GuardedRouteNeed[] = [
  route('GET', '/messages', any('email.metadata', 'email.read_only', 'email.modify', 'email')),
  route('GET', '/messages/:id', any('email.read_only')),
  route('POST', '/send', any('email.send')),
  route('GET', '/account'),
];

function report(defaultScopes: readonly string[], connectors: readonly ConnectorDefaults[] = [], routes = MAIL_ROUTES) {
  return buildScopeReport(routes, { graph: v2ScopeGraph, defaultScopes, connectors });
}

describe('buildScopeReport: routes and the least-privileged sets', () => {
  const r = report(['email.read_only', 'email.send']);

  it('lists each route with the sets that satisfy it, narrowest first', () => {
    assert.deepEqual(
      r.routes.map((x) => [x.method, x.path, x.access, x.satisfiedBy]),
      [
        ['GET', '/messages', 'scopes', [['email.metadata'], ['email.read_only'], ['email.modify'], ['email']]],
        ['GET', '/messages/:id', 'scopes', [['email.read_only'], ['email.modify'], ['email']]],
        ['POST', '/send', 'scopes', [['email.send'], ['email']]],
        ['GET', '/account', 'token', [[]]],
      ],
    );
  });

  it('answers email.read_only + email.send, not email, and the Google and Microsoft equivalents', () => {
    assert.deepEqual(r.nylas.scopes, ['email.read_only', 'email.send']);
    assert.deepEqual(r.providers.google.scopes, [g('gmail.readonly'), g('gmail.send')]);
    assert.deepEqual(r.providers.microsoft.scopes, ['Mail.Read', 'Mail.Send']);
  });

  it('has no warning when the defaults are the least-privileged set', () => {
    assert.deepEqual(r.warnings, []);
  });

  it('marks a row no scope admits as closed, and a provider-only guard as such, and solves without them', () => {
    const routes = [...MAIL_ROUTES, route('POST', '/resources', any()), route('GET', '/raw', any(g('gmail.readonly')))];
    const withExtra = report(['email.read_only', 'email.send'], [], routes);
    assert.deepEqual(withExtra.routes.slice(-2).map((x) => x.access), ['closed', 'provider']);
    assert.deepEqual(withExtra.nylas.scopes, ['email.read_only', 'email.send']);
    // Google's own scopes can satisfy the provider-only route, and still read and send.
    assert.deepEqual(withExtra.providers.google.scopes, [g('gmail.readonly'), g('gmail.send')]);
  });
});

describe('buildScopeReport: warnings about default scopes', () => {
  it('the SDK default (email, calendar, contacts) is wider than a mail app needs', () => {
    const [w, ...rest] = report(['email', 'calendar', 'contacts']).warnings;
    assert.deepEqual(rest, []);
    assert.equal(w?.kind, 'wider');
    assert.deepEqual(w?.subject, { kind: 'defaultScopes' });
    assert.deepEqual(w?.beyond, ['email', 'email.modify', 'email.folders_and_labels', 'email.drafts', 'calendar', 'calendar.read_only', 'contacts', 'contacts.read_only']);
    assert.deepEqual(w?.suggested, ['email.read_only', 'email.send']);
    assert.equal(
      w?.message,
      "The scopes of the defaultScopes option (email, calendar, contacts) allow more than the app's routes need " +
        '(email, email.modify, email.folders_and_labels, email.drafts, calendar, calendar.read_only, contacts, contacts.read_only); ' +
        'email.read_only, email.send cover every route.',
    );
  });

  it('email alone, where email.read_only and email.send cover every route, is wider', () => {
    const kinds = report(['email']).warnings.map((w) => w.kind);
    assert.deepEqual(kinds, ['wider']);
  });

  it('defaults that leave routes refused are narrower, and name the routes', () => {
    const [w, ...rest] = report(['email.read_only']).warnings;
    assert.deepEqual(rest, []);
    assert.equal(w?.kind, 'narrower');
    assert.deepEqual(w?.routes, ['POST /send']);
    assert.match(w?.message ?? '', /leave a route refused \(POST \/send\); email\.read_only, email\.send cover every route\.$/);
  });

  it('defaults both off the mark get both warnings', () => {
    assert.deepEqual(report(['calendar', 'email.send']).warnings.map((w) => w.kind), ['wider', 'narrower']);
  });

  it('an equally narrow alternative is not called wider (calendar.free_busy for calendar.read_only)', () => {
    const routes = [route('POST', '/calendars/free-busy', any('calendar.read_only', 'calendar', 'calendar.free_busy'))];
    const r = report(['calendar.free_busy'], [], routes);
    assert.deepEqual(r.nylas.scopes, ['calendar.read_only']);
    assert.deepEqual(r.warnings, []);
  });
});

describe('buildScopeReport: connectors', () => {
  const google: ConnectorDefaults = { provider: 'google', owner: null, defaultScopes: ['openid', 'https://mail.google.com/'] };
  const microsoft: ConnectorDefaults = { provider: 'microsoft', owner: 'client-a', defaultScopes: ['Mail.Read', 'Mail.Send'] };
  const imap: ConnectorDefaults = { provider: 'imap', owner: null, defaultScopes: [] };
  const r = report(['email.read_only', 'email.send'], [google, microsoft, imap]);

  it('suggests each connector its provider own scopes (Nylas scopes for the others)', () => {
    assert.deepEqual(
      r.connectors.map((c) => [c.provider, c.owner, c.suggested]),
      [
        ['google', null, [g('gmail.readonly'), g('gmail.send')]],
        ['microsoft', 'client-a', ['Mail.Read', 'Mail.Send']],
        ['imap', null, ['email.read_only', 'email.send']],
      ],
    );
  });

  it("warns about Google's full-mailbox scope, in Google's own terms, and not about the fitting Microsoft one", () => {
    assert.equal(r.warnings.length, 1);
    const [w] = r.warnings;
    assert.deepEqual(w?.subject, { kind: 'connector', provider: 'google', owner: null });
    assert.equal(w?.kind, 'wider');
    assert.deepEqual(w?.beyond, ['https://mail.google.com/', g('gmail.modify'), g('gmail.compose'), g('gmail.labels')]);
    assert.match(w?.message ?? '', /^The google connector's default scopes \(openid, https:\/\/mail\.google\.com\/\) allow more/);
  });

  it("names a client's connector by its owner, and reads its scopes in the v3 vocabulary", () => {
    // In v3, `email` is the OpenID scope: it reads no mail, so this connector leaves every mail route refused.
    const own: ConnectorDefaults = { provider: 'imap', owner: 'client-b', defaultScopes: ['email'] };
    const [w] = report(['email.read_only', 'email.send'], [own]).warnings;
    assert.equal(w?.kind, 'narrower');
    assert.deepEqual(w?.routes, ['GET /messages', 'GET /messages/:id', 'POST /send']);
    assert.match(w?.message ?? '', /^Client client-b's imap connector's default scopes \(email\) leave 3 routes refused/);
  });
});
