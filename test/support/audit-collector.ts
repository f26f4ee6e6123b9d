import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import type { AuditEvent } from '../../src/audit/events.js';

/**
 * Every audit event of a test process, from every kit the shared helpers build (makeKit, the
 * contract harness, the hosted OAuth harness, the v3 app), checked for secrets when the process's
 * tests are done: a token, code, key or secret in any event fails the file. With
 * GRANTKIT_AUDIT_DUMP=<dir>, each process also writes its events to <dir>/audit-<pid>.jsonl, so a
 * whole `npm test` run leaves the suite's audit trail to read.
 */

const collected: AuditEvent[] = [];
/** Secrets the suite handed out or configured, looked for literally. */
const knownSecrets = new Set<string>();

/** The `audit` option of the helpers' kits. */
export function collectAudit(event: AuditEvent): void {
  collected.push(event);
}

/** Tells the check a secret the test holds (a token it was issued, a client secret it configured). */
export function rememberSecret(...secrets: readonly (string | undefined)[]): void {
  for (const s of secrets) if (s !== undefined && s.length >= 8) knownSecrets.add(s);
}

/** Shapes no event may hold, whatever the suite issued. */
const SHAPES: ReadonlyArray<readonly [string, RegExp]> = [
  ['a grantkit token, code, key or flow secret', /gk_(?:at|rt|code|key|flow)_/],
  ['a JWT (an id_token)', /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['a 256-bit secret or a whole SHA-256', /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/],
  ['a PEM key', /PRIVATE KEY/],
];

/** What in these events looks like a secret: one line per finding, empty when there is none. */
export function findSecrets(events: readonly unknown[], secrets: Iterable<string> = knownSecrets): string[] {
  const found: string[] = [];
  const known = [...secrets];
  events.forEach((event, i) => {
    const text = JSON.stringify(event);
    for (const [what, shape] of SHAPES) if (shape.test(text)) found.push(`event ${i} holds ${what}: ${text}`);
    for (const secret of known) if (text.includes(secret)) found.push(`event ${i} holds a known secret: ${text}`);
  });
  return found;
}

// Only under the test runner: child processes that import the helpers run no tests.
if (process.env['NODE_TEST_CONTEXT'] !== undefined) {
  after(() => {
    const dir = process.env['GRANTKIT_AUDIT_DUMP'];
    if (dir !== undefined && dir !== '' && collected.length > 0) {
      mkdirSync(dir, { recursive: true });
      appendFileSync(join(dir, `audit-${process.pid}.jsonl`), collected.map((e) => JSON.stringify(e)).join('\n') + '\n');
    }
    const found = findSecrets(collected);
    if (found.length > 0) throw new Error(`audit events hold secrets:\n${found.slice(0, 10).join('\n')}`);
  });
}
