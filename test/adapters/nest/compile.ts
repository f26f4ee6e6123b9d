import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * The Nest apps under ./.app, compiled as a Nest app is compiled: by tsc, with that folder's own
 * tsconfig (experimentalDecorators, emitDecoratorMetadata), type errors included, into a temp
 * folder. Every import that leaves the folder is pointed back at its source or its installed
 * package, so a compiled app shares grantkit's modules (GrantKitError, the kit) with the test
 * that loads it, instead of a second copy made under other decorator settings.
 */
const APP = fileURLToPath(new URL('./.app/', import.meta.url));

let compiled: Promise<string> | undefined;

/** Imports one compiled module of ./.app by its base name (`contract-app`); compiles once per process. */
export async function importNestApp(name: string): Promise<Record<string, unknown>> {
  compiled ??= Promise.resolve().then(compile);
  const out = await compiled;
  return (await import(pathToFileURL(join(out, `${name}.js`)).href)) as Record<string, unknown>;
}

function compile(): string {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(APP, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error(`cannot read ${APP}tsconfig.json`);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  // The fixture's own files; the rest of the program is the repository's, checked by its own tsconfig.
  const problems = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...parsed.fileNames.flatMap((f) => {
      const source = program.getSourceFile(f);
      return source === undefined ? [] : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    }),
  ];
  if (problems.length > 0) {
    const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => APP, getNewLine: () => '\n' };
    throw new Error(`the Nest fixture does not compile:\n${ts.formatDiagnostics(problems, host)}`);
  }
  const out = mkdtempSync(join(tmpdir(), 'grantkit-nest-'));
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  // Emitted as ES modules; outside the repository nothing else says so.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const file of parsed.fileNames) {
    const source = program.getSourceFile(file);
    if (source === undefined) continue;
    const emitted = program.emit(
      source,
      (name, text) => writeFileSync(join(out, basename(name)), text),
      undefined,
      false,
      { after: [pointOutside(file)] },
    );
    if (emitted.emitSkipped) throw new Error(`tsc did not emit ${file}`);
  }
  return out;
}

/** Rewrites the module specifiers of one emitted file: see the comment at the top. */
function pointOutside(file: string): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sourceFile) => {
    const { factory } = context;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const to = factory.createStringLiteral(target(file, node.moduleSpecifier.text));
        return factory.updateImportDeclaration(node, node.modifiers, node.importClause, to, node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
        const to = factory.createStringLiteral(target(file, node.moduleSpecifier.text));
        return factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, to, node.attributes);
      }
      return node;
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}

/** A sibling in ./.app stays relative (it is compiled beside); anything else becomes an absolute URL. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return import.meta.resolve(specifier);
  const path = resolve(dirname(file), specifier);
  return relative(APP, dirname(path)) === '' ? specifier : pathToFileURL(path).href;
}
