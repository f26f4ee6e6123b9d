import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './markdown-blocks.js';

/**
 * Type-checks documentation code blocks as an app would compile them: `strict`, ES modules, and
 * `import ... from 'grantkit/...'` resolved to this repository's sources through `paths`, one entry
 * per `exports` entry of package.json. All blocks go into one program, so the sources and the
 * framework types are read and checked once.
 */

/** Where the blocks live while they are checked: beside this file, under package.json's `"type": "module"`. */
const BLOCKS_DIR = 'test/e2e/docs/.blocks';

/** What `<!-- compile: given ... -->` declares: the README quick start's kit, adapter and app. */
const GIVEN = [
  "import type { Express } from 'express';",
  "import type { GrantKit } from 'grantkit';",
  "import type { ExpressGrantKit } from 'grantkit/express';",
  'export declare const kit: GrantKit;',
  'export declare const gk: ExpressGrantKit;',
  'export declare const app: Express;',
  '',
].join('\n');

export interface BlockDiagnostic {
  /** `file:line:column` in the Markdown file. */
  readonly where: string;
  readonly code: number;
  readonly message: string;
}

export interface CheckedDocs {
  /** The diagnostics of each block, in the order the blocks were given. */
  readonly blocks: readonly (readonly BlockDiagnostic[])[];
  /** Problems of the set-up itself: options, the given names, a missing source entry point. */
  readonly setup: readonly string[];
  /** Where each package entry point resolves, e.g. `grantkit/express` → `adapters/express/index.ts`. */
  readonly entryPoints: ReadonlyMap<string, string | undefined>;
  /** Diagnostics of extra sources checked alongside the blocks (the test's own controls), by name. */
  readonly extras: ReadonlyMap<string, readonly ts.Diagnostic[]>;
}

/**
 * The `paths` that map each package.json export to its source: `./dist/src/index.d.ts` becomes
 * `src/index.ts`.
 */
export function sourcePaths(root: string): Record<string, string[]> {
  const pkg: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const name = readString(pkg, 'name');
  const exportsField = typeof pkg === 'object' && pkg !== null ? Reflect.get(pkg, 'exports') : undefined;
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(typeof exportsField === 'object' && exportsField !== null ? exportsField : {})) {
    const types = readString(target, 'types');
    if (types === undefined) continue;
    const source = types.replace(/^\.\/dist\//, './').replace(/\.d\.ts$/, '.ts');
    paths[name + subpath.slice(1)] = [join(root, source)];
  }
  return paths;
}

function readString(value: unknown, key: string): string | undefined {
  const v = typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function compilerOptions(root: string): ts.CompilerOptions {
  return {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    esModuleInterop: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    paths: sourcePaths(root),
  };
}

/** The virtual file a block is checked as; its imports of given names go last, so lines stay as written. */
function blockSource(block: CodeBlock): string {
  const given = block.directive?.kind === 'given' ? `import { ${block.directive.names.join(', ')} } from './given.js';\n` : '';
  // `export {}` makes every block a module, so top-level await and its own declarations are scoped to it.
  return `${block.code}${given}export {};\n`;
}

export function checkBlocks(root: string, blocks: readonly CodeBlock[], extras: ReadonlyMap<string, string> = new Map()): CheckedDocs {
  const options = compilerOptions(root);
  const dir = join(root, BLOCKS_DIR);
  const virtual = new Map<string, string>([[join(dir, 'given.ts'), GIVEN]]);
  const blockFiles = blocks.map((b, i) => {
    const fileName = join(dir, `block-${i}.${b.language}`);
    virtual.set(fileName, blockSource(b));
    return fileName;
  });
  const extraFiles = new Map<string, string>();
  for (const [name, text] of extras) {
    extraFiles.set(name, join(dir, `${name}.ts`));
    virtual.set(join(dir, `${name}.ts`), text);
  }

  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getCurrentDirectory = () => root;
  host.fileExists = (f) => virtual.has(f) || ts.sys.fileExists(f);
  host.directoryExists = (d) => d === dir || ts.sys.directoryExists(d);
  host.readFile = (f) => virtual.get(f) ?? ts.sys.readFile(f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = virtual.get(f);
    return text === undefined ? getSourceFile(f, language, ...rest) : ts.createSourceFile(f, text, language, true);
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });

  const setup = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) => flatten(d));
  for (const d of diagnosticsOf(program, join(dir, 'given.ts'))) setup.push(`the given names: ${flatten(d)}`);
  const entryPoints = new Map<string, string | undefined>();
  for (const specifier of Object.keys(options.paths ?? {})) {
    const resolved = ts.resolveModuleName(specifier, join(dir, 'given.ts'), options, host).resolvedModule?.resolvedFileName;
    entryPoints.set(specifier, resolved === undefined ? undefined : resolved.slice(root.length + 1));
  }
  return {
    blocks: blocks.map((b, i) => diagnosticsOf(program, blockFiles[i]!).map((d) => locate(b, d))),
    setup,
    entryPoints,
    extras: new Map([...extraFiles].map(([name, fileName]) => [name, diagnosticsOf(program, fileName)] as const)),
  };
}

function diagnosticsOf(program: ts.Program, fileName: string): readonly ts.Diagnostic[] {
  const file = program.getSourceFile(fileName);
  if (file === undefined) throw new Error(`${fileName} is not in the program`);
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
}

/** A diagnostic at its place in the Markdown file. */
function locate(block: CodeBlock, d: ts.Diagnostic): BlockDiagnostic {
  let where = `${block.file}:${block.line}`;
  if (d.file !== undefined && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    where = `${block.file}:${block.line + line}:${block.indent + character + 1}`;
  }
  return { where, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
}

function flatten(d: ts.Diagnostic): string {
  return `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}
