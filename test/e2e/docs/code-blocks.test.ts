import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { checkBlocks, sourcePaths, type CheckedDocs } from './compile-blocks.js';
import { codeBlocks, type CodeBlock } from './markdown-blocks.js';

/**
 * Every ts and js code block of README.md and docs/*.md compiles under `strict`, importing grantkit
 * as an app does, with the imports mapped to this repository's sources. A block that is a fragment
 * says what it takes as given, or why it is not compiled, in the comment before it; see
 * markdown-blocks.ts for the two forms.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const DOCS = ['README.md', ...readdirSync(`${ROOT}/docs`).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

const extractions = DOCS.map((file) => codeBlocks(file, readFileSync(`${ROOT}/${file}`, 'utf8')));
const blocks = extractions.flatMap((e) => e.blocks);
const compiled = blocks.filter((b) => b.directive?.kind !== 'skip');

/** Sources checked in the same program, each with the error it must produce: proof the check is strict and typed. */
const CONTROLS = new Map([
  ['implicit-any', { code: 7006, text: 'export function handler(req) { return req; }\n' }],
  ['given-is-typed', { code: 2339, text: "import { kit } from './given.js';\nkit.notAMember;\nexport {};\n" }],
  ['imports-are-checked', { code: 2305, text: "import { notAnExport } from 'grantkit';\nnotAnExport;\nexport {};\n" }],
]);

describe('code blocks of README.md and docs/*.md compile under strict against the sources', () => {
  let checked: CheckedDocs;
  before(() => {
    checked = checkBlocks(ROOT, compiled, new Map([...CONTROLS].map(([name, c]) => [name, c.text])));
  });

  it('reads every compile directive, each right before a ts or js block', () => {
    assert.deepEqual(extractions.flatMap((e) => e.problems), []);
    assert.ok(blocks.some((b) => b.file === 'README.md'), 'the README quick start is a ts block');
    const skipped = blocks.filter((b) => b.directive?.kind === 'skip');
    assert.ok(skipped.length * 5 <= blocks.length, `skips stay rare: ${skipped.map(title).join(', ')}`);
    // A block left out says why, in its directive; it is not a test that was skipped.
    for (const b of skipped) assert.ok(b.directive?.kind === 'skip' && b.directive.reason.trim() !== '', `${title(b)} says why it is not compiled`);
  });

  it('maps every entry point of package.json to its source file', () => {
    assert.deepEqual(checked.setup, []);
    const expected = new Map(Object.entries(sourcePaths(ROOT)).map(([specifier, [path]]) => [specifier, path!.slice(ROOT.length + 1)]));
    assert.ok(expected.has('grantkit') && expected.has('grantkit/express') && expected.has('grantkit/testing'));
    assert.deepEqual(checked.entryPoints, expected);
  });

  it('reports an implicit any, a member the given kit lacks, and an import grantkit does not export', () => {
    for (const [name, { code }] of CONTROLS) {
      assert.deepEqual(checked.extras.get(name)?.map((d) => d.code), [code], name);
    }
  });

  for (const block of compiled) {
    it(title(block), () => {
      const diagnostics = checked.blocks[compiled.indexOf(block)]!;
      assert.deepEqual(diagnostics.map((d) => `${d.where} TS${d.code} ${d.message}`), []);
    });
  }
});

function title(block: CodeBlock): string {
  return `${block.file}:${block.line} (${block.language})`;
}
