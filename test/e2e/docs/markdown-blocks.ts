/**
 * The TypeScript and JavaScript code blocks of a Markdown file, with what the docs say about
 * compiling them. By default a block must compile on its own. A comment on the line before a block
 * (blank lines between are allowed) may say otherwise, in HTML that the rendered page hides:
 *
 *   <!-- compile: given kit, gk, app -->   the block uses these names as the README's quick start
 *                                          makes them (a GrantKit, its Express adapter, an Express
 *                                          app) without declaring them
 *   <!-- compile: skip (why) -->           the block is not compiled; the reason is required
 *
 * Anything else that starts with `<!-- compile:` is a mistake the docs test reports.
 */

/** Fence languages that are compiled, and the file extension each is checked as. */
const COMPILED: Readonly<Record<string, 'ts' | 'js'>> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };

/** The names a `given` directive may name, as test/e2e/docs/compile-blocks.ts declares them. */
export const GIVEN_NAMES = ['kit', 'gk', 'app'] as const;
export type GivenName = (typeof GIVEN_NAMES)[number];

export type Directive = { readonly kind: 'skip'; readonly reason: string } | { readonly kind: 'given'; readonly names: readonly GivenName[] };

export interface CodeBlock {
  /** The Markdown file, as the test names it (`README.md`, `docs/guards.md`). */
  readonly file: string;
  /** The 1-based line in the Markdown file of the block's first line of code. */
  readonly line: number;
  /** The indentation removed from every line (a block inside a list item is indented). */
  readonly indent: number;
  readonly language: 'ts' | 'js';
  readonly code: string;
  readonly directive: Directive | undefined;
}

export interface Extraction {
  readonly blocks: readonly CodeBlock[];
  /** Malformed directives, and directives that do not stand right before a compiled block. */
  readonly problems: readonly string[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const DIRECTIVE = /^\s*<!--\s*compile:(.*?)-->\s*$/;

export function codeBlocks(file: string, markdown: string): Extraction {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  const problems: string[] = [];
  let pending: { directive: Directive | undefined; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const directive = DIRECTIVE.exec(text);
    if (directive) {
      if (pending) problems.push(`${file}:${pending.line}: a compile directive must stand right before a ts or js code block`);
      const parsed = parseDirective(directive[1]!.trim());
      if (typeof parsed === 'string') problems.push(`${file}:${i + 1}: ${parsed}`);
      pending = { directive: typeof parsed === 'string' ? undefined : parsed, line: i + 1 };
      continue;
    }
    if (/^\s*<!--.*compile:/.test(text)) problems.push(`${file}:${i + 1}: a compile directive must be one whole line`);
    const fence = FENCE.exec(text);
    if (!fence) {
      if (pending && text.trim() !== '') {
        problems.push(`${file}:${pending.line}: a compile directive must stand right before a ts or js code block`);
        pending = undefined;
      }
      continue;
    }
    const [, indent = '', marker = '', info = ''] = fence;
    const end = closingFence(lines, i + 1, marker);
    const language = COMPILED[info.toLowerCase()];
    if (language) {
      const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
      blocks.push({ file, line: i + 2, indent: indent.length, language, code: body.join('\n') + '\n', directive: pending?.directive });
    } else if (pending) {
      problems.push(`${file}:${pending.line}: a compile directive must stand right before a ts or js code block, not ${info || 'an unnamed'} block`);
    }
    pending = undefined;
    i = end;
  }
  if (pending) problems.push(`${file}:${pending.line}: a compile directive must stand right before a ts or js code block`);
  return { blocks, problems };
}

/** The line of the fence that closes a block opened with `marker`, or the end of the file. */
function closingFence(lines: readonly string[], from: number, marker: string): number {
  for (let j = from; j < lines.length; j++) {
    const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]!);
    if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length) return j;
  }
  return lines.length;
}

function parseDirective(text: string): Directive | string {
  const skip = /^skip\s*\((.*)\)$/.exec(text);
  if (skip) {
    const reason = skip[1]!.trim();
    return reason === '' ? 'compile: skip needs a reason in parentheses' : { kind: 'skip', reason };
  }
  const given = /^given\s+(.+)$/.exec(text);
  if (given) {
    const names = given[1]!.split(',').map((n) => n.trim());
    const unknown = names.filter((n) => !isGivenName(n));
    if (unknown.length > 0) return `compile: given names ${unknown.join(', ')}; a block may be given only ${GIVEN_NAMES.join(', ')}`;
    return { kind: 'given', names: names.filter(isGivenName) };
  }
  return `unknown compile directive "${text}"; use "compile: given ${GIVEN_NAMES.join(', ')}" or "compile: skip (why)"`;
}

function isGivenName(name: string): name is GivenName {
  return (GIVEN_NAMES as readonly string[]).includes(name);
}
