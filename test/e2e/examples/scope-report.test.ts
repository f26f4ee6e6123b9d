import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { reporterOfApp } from '../../../src/advisor/reporters.js';
import { runCli } from '../../../src/cli/run.js';
import type { ScopeReport } from '../../../src/index.js';
import { createExampleApp as expressApp } from '../../../examples/express/app.js';
import { exampleConfig } from '../../../examples/shared/config.js';
import { startHostedProviders } from '../../../examples/shared/hosted.js';

/**
 * The examples' scope reports, as `npx grantkit scopes examples/<name>/scopes.ts --json` prints
 * them, against what the demo routes are meant to need, written out by hand here (not read from
 * the endpoint table the examples guard with).
 */

const HEADERS = 'email.metadata | email.read_only | email.modify | email';
const BODIES = 'email.read_only | email.modify | email';
const MODIFY = 'email.modify | email';
const DRAFTS_READ = 'email.drafts | email.read_only | email.modify | email';
const DRAFTS_WRITE = 'email.drafts | email.modify | email';
const FOLDERS_READ = 'email.folders_and_labels | email.metadata | email.read_only | email.modify | email';
const FOLDERS_WRITE = 'email.folders_and_labels | email.modify | email';
const CALENDAR_READ = 'calendar.read_only | calendar';
const CALENDAR_WRITE = 'calendar';
const CONTACTS_READ = 'contacts.read_only | contacts';
const CONTACTS_WRITE = 'contacts';
const ROOMS = 'room_resources.read_only';
const CLOSED = 'closed';

/** The five routes of a resource: list, create, read, update, delete. */
function crud(base: string, read: string, write: string): string[] {
  return [`GET ${base}  ${read}`, `POST ${base}  ${write}`, `GET ${base}/:id  ${read}`, `PUT ${base}/:id  ${write}`, `DELETE ${base}/:id  ${write}`];
}

const V2_RESOURCES = [
  ...crud('/messages', HEADERS, MODIFY),
  ...crud('/threads', HEADERS, MODIFY),
  ...crud('/files', BODIES, MODIFY),
  ...crud('/drafts', DRAFTS_READ, DRAFTS_WRITE),
  ...crud('/folders', FOLDERS_READ, FOLDERS_WRITE),
  ...crud('/labels', FOLDERS_READ, FOLDERS_WRITE),
  ...crud('/calendars', CALENDAR_READ, CALENDAR_WRITE),
  ...crud('/events', CALENDAR_READ, CALENDAR_WRITE),
  ...crud('/contacts', CONTACTS_READ, CONTACTS_WRITE),
  ...crud('/resources', ROOMS, CLOSED),
];
const SEND = 'POST /send  email.send | email';
const V3 = '/v3/grants/:grant';
const V3_RESOURCES = [
  ...crud(`${V3}/messages`, HEADERS, MODIFY),
  ...crud(`${V3}/threads`, HEADERS, MODIFY),
  ...crud(`${V3}/events`, CALENDAR_READ, CALENDAR_WRITE),
  ...crud(`${V3}/calendars`, CALENDAR_READ, CALENDAR_WRITE),
  ...crud(`${V3}/contacts`, CONTACTS_READ, CONTACTS_WRITE),
];

/** Every example answers the v2 resources and /send; Express serves the v3 paths too; the decorators example registers /send first. */
const EXPECTED_ROUTES: Readonly<Record<string, readonly string[]>> = {
  express: [...V2_RESOURCES, SEND, ...V3_RESOURCES],
  koa: [...V2_RESOURCES, SEND],
  decorators: [SEND, ...V2_RESOURCES],
};

const LEAST = ['email.modify', 'email.send', 'calendar', 'room_resources.read_only', 'contacts'];
const GOOGLE = ['gmail.modify', 'calendar', 'contacts', 'admin.directory.resource.calendar.readonly'].map((s) => `https://www.googleapis.com/auth/${s}`);
const MICROSOFT = ['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite', 'Contacts.ReadWrite', 'Place.Read.All'];
const COVER = `${LEAST.join(', ')} cover every route.`;

/** A route as one line: method, path and what satisfies it. */
function line(r: ScopeReport['routes'][number]): string {
  const by = r.access === 'closed' ? CLOSED : r.satisfiedBy.map((set) => set.join('+')).join(' | ');
  return `${r.method} ${r.path}  ${by}`;
}

async function cliReport(example: string): Promise<ScopeReport> {
  const module = fileURLToPath(new URL(`../../../examples/${example}/scopes.ts`, import.meta.url));
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['scopes', module, '--json'], { env: {}, out: (l) => out.push(l), err: (l) => err.push(l) });
  assert.equal(code, 0, err.join('\n'));
  assert.deepEqual(err, []);
  assert.equal(out.length, 1);
  const parsed: ScopeReport = JSON.parse(out[0]!);
  return parsed;
}

describe('the examples’ scope reports', () => {
  for (const example of ['express', 'koa', 'decorators']) {
    it(`${example}: every demo route with what satisfies it, and the least-privileged scopes`, async () => {
      const report = await cliReport(example);
      assert.deepEqual(report.routes.map(line), EXPECTED_ROUTES[example]);
      assert.deepEqual(report.nylas.scopes, LEAST);
      assert.deepEqual(report.providers.google.scopes, GOOGLE);
      assert.deepEqual(report.providers.microsoft.scopes, MICROSOFT);
      assert.deepEqual(report.connectors, []);
      // The SDKs' default, email + calendar + contacts: wider on mail than the routes need, and no rooms.
      assert.deepEqual(
        report.warnings.map((w) => w.message),
        [
          `The scopes of the defaultScopes option (email, calendar, contacts) allow more than the app's routes need (email); ${COVER}`,
          `The scopes of the defaultScopes option (email, calendar, contacts) leave 2 routes refused (GET /resources, GET /resources/:id); ${COVER}`,
        ],
      );
    });
  }

  it('express with its hosted connectors: the sandbox, Google and Microsoft defaults are read-only, so they leave the writes refused', async () => {
    const env = { GOOGLE_CLIENT_ID: 'g-id', GOOGLE_CLIENT_SECRET: 'g-secret', MICROSOFT_CLIENT_ID: 'm-id', MICROSOFT_CLIENT_SECRET: 'm-secret' };
    const config = exampleConfig(env, () => undefined);
    const providers = await startHostedProviders(config.kit, env, config.hosted, 0);
    try {
      const app = expressApp(config.kit, config.clientId, config.hosted);
      const reporter = reporterOfApp(app);
      assert.ok(reporter);
      const report = await reporter.scopeReport(app);
      // By provider: the three are created within a few milliseconds, and connectors created in
      // the same millisecond are listed by provider name, so the listed order depends on timing.
      const byProvider = <T extends { provider: string }>(xs: readonly T[]): T[] => [...xs].sort((a, b) => a.provider.localeCompare(b.provider));
      assert.deepEqual(
        byProvider(report.connectors).map((c) => [c.provider, c.owner, c.defaultScopes, c.suggested]),
        [
          ['google', null, ['https://www.googleapis.com/auth/gmail.readonly'], GOOGLE],
          ['microsoft', null, ['Mail.Read'], MICROSOFT],
          ['oauth2', null, ['email.read_only', 'calendar.read_only', 'contacts.read_only'], LEAST],
        ],
      );
      const connectorWarnings = byProvider(
        report.warnings.flatMap((w) => (w.subject.kind === 'connector' ? [{ ...w, provider: w.subject.provider }] : [])),
      );
      assert.deepEqual(
        connectorWarnings.map((w) => [w.kind, w.subject, w.routes.length]),
        [
          // Mail reads only: no mail writes (6 resources, 2 of them v3), no calendar, contacts or rooms at all.
          ['narrower', { kind: 'connector', provider: 'google', owner: null }, 6 * 3 + 2 * 3 + 1 + 6 * 5 + 2],
          ['narrower', { kind: 'connector', provider: 'microsoft', owner: null }, 6 * 3 + 2 * 3 + 1 + 6 * 5 + 2],
          // Writes on 9 v2 resources and 5 v3 ones, /send, and the two room reads.
          ['narrower', { kind: 'connector', provider: 'oauth2', owner: null }, 9 * 3 + 5 * 3 + 1 + 2],
        ],
      );
      assert.equal(
        connectorWarnings[0]!.message,
        "The google connector's default scopes (https://www.googleapis.com/auth/gmail.readonly) leave 57 routes refused " +
          `(POST /messages, PUT /messages/:id, DELETE /messages/:id and 54 more); ${GOOGLE.join(', ')} cover every route.`,
      );
    } finally {
      await providers.sandbox.close();
    }
  });
});
