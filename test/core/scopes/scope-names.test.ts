import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Typed scope names: fixtures/scope-names.ts marks each call that must not compile with
 * @ts-expect-error. It is compiled with the repository's compiler options twice over, in one
 * program: as written, where any error (an unused directive included) fails; and with the
 * directives taken out, where exactly the marked lines must fail, each because its scope is not a
 * KnownScope.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/scope-names.ts', import.meta.url));
const DIRECTIVE = '// @ts-expect-error';

function options(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  assert.ok(parsed, 'tsconfig.json reads');
  return { ...parsed.options, noEmit: true };
}

type Diagnostics = Array<{ line: number; message: string }>;

/** The diagnostics of each text, compiled as a file beside the fixture: line (1-based) and message. */
function compile(texts: readonly string[]): Diagnostics[] {
  const opts = options();
  const files = new Map(texts.map((t, i) => [fixture.replace(/\.ts$/, `.${i}.ts`), t]));
  const host = ts.createCompilerHost(opts, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => files.has(f) || ts.sys.fileExists(f);
  host.readFile = (f) => files.get(f) ?? ts.sys.readFile(f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSourceFile(f, language, ...rest) : ts.createSourceFile(f, text, language, true);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options: opts, host });
  return [...files.keys()].map((f) => {
    const source = program.getSourceFile(f)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
      line: source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
  });
}

describe('typed scope names', () => {
  const text = readFileSync(fixture, 'utf8');
  const lines = text.split('\n');
  /** The lines that must fail: each one after a directive (1-based). */
  const marked = lines.flatMap((l, i) => (l.trim().startsWith(DIRECTIVE) ? [i + 2] : []));
  const stripped = lines.map((l) => (l.trim().startsWith(DIRECTIVE) ? '' : l)).join('\n');
  const [asWritten, withoutDirectives] = compile([text, stripped]);

  it('the fixture marks calls on every adapter, the decorators and the kit', () => {
    assert.equal(marked.length, 7);
  });

  it('compiles as written: every marked call fails, nothing else does', () => {
    assert.deepEqual(asWritten, []);
  });

  it('without the directives, exactly the marked calls fail, each for a scope that is not a KnownScope', () => {
    const errors = withoutDirectives!;
    assert.deepEqual([...new Set(errors.map((e) => e.line))], marked);
    for (const e of errors) assert.match(e.message, /is not assignable to (parameter of )?type 'KnownScope'/, `line ${e.line}: ${e.message}`);
  });
});
