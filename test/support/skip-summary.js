// @ts-check
/**
 * A node:test reporter that prints, once the run is over, every test or suite that was skipped and
 * why, grouped by reason: a suite that needs a server the machine lacks otherwise passes by in the
 * middle of thousands of lines. `npm test` runs it after the spec reporter.
 *
 * JavaScript rather than TypeScript: Node 20 loads reporters without the loader hooks that
 * `--import tsx` registers, so a .ts reporter does not load there.
 *
 * @typedef {{ name: string, nesting: number, file?: string, skip?: string | boolean }} TestData
 * @typedef {{ type: string, data: TestData }} TestEvent
 */

import { relative } from 'node:path';

/** @param {AsyncIterable<TestEvent>} source */
export default async function* skipSummary(source) {
  /** The names of the suites being reported, per file: node:test reports a file's tests in order, as a tree. */
  /** @type {Map<string, string[]>} */
  const open = new Map();
  /** @type {Map<string, string[]>} */
  const byReason = new Map();
  for await (const { type, data } of source) {
    const file = data.file === undefined ? '' : relative(process.cwd(), data.file);
    const path = open.get(file) ?? [];
    open.set(file, path);
    if (type === 'test:start') {
      path.length = data.nesting;
      path.push(data.name);
      continue;
    }
    if ((type !== 'test:pass' && type !== 'test:fail') || data.skip === undefined || data.skip === false) continue;
    const reason = typeof data.skip === 'string' && data.skip !== '' ? data.skip : 'no reason given';
    const where = [file, ...path.slice(0, data.nesting), data.name].filter((p) => p !== '').join(' › ');
    byReason.set(reason, [...(byReason.get(reason) ?? []), where]);
  }
  yield summary(byReason);
}

/** @param {Map<string, string[]>} byReason */
function summary(byReason) {
  const count = [...byReason.values()].reduce((n, tests) => n + tests.length, 0);
  if (count === 0) return '\nSkipped: nothing.\n';
  const lines = [`\nSkipped: ${count} ${count === 1 ? 'test or suite' : 'tests or suites'}.`];
  for (const [reason, tests] of byReason) {
    lines.push(`  ${reason}`, ...tests.map((t) => `    ${t}`));
  }
  return `${lines.join('\n')}\n`;
}
