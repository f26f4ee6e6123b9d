/**
 * The second half of `npm run build`: turns the JavaScript that tsc wrote into dist/ (one file per
 * source module, some 140 of them on the path `import('grantkit')` takes) into one file per
 * package entry point plus shared chunks. Node pays for every ES module it resolves, reads and
 * links, so the module count, more than the code, is what an app's start-up spent on grantkit.
 *
 * - The entry points are the package.json exports and the CLI, at the same paths as before, so the
 *   exports map, bin/grantkit.js and the declaration files tsc wrote beside them stay as they are.
 * - Code shared by several entry points lands in one chunk that each imports, so a class or a
 *   registry is still one object whichever entry point an app imports it through.
 * - Route modules the kit imports on first use stay separate chunks, loaded as late as before.
 * - Dependencies stay imports of their packages, so an app's npm dedupes and updates them, all but
 *   zod. Every entry point of zod 4 loads 95 of its modules, 64 of them translations of its
 *   messages, whatever an importer uses; an app that imported grantkit paid for that at start-up.
 *   The part of zod grantkit uses, English messages only, is bundled into the shared chunk instead:
 *   importing grantkit costs a third less time and 1.6 MB less heap. The price is a second zod in an
 *   app that uses zod itself, and zod's fixes reaching such an app with grantkit's releases.
 *   Tree-shaking needs `import * as z from 'zod'`: `import { z }` takes zod's whole namespace
 *   object, translations included, and the lint config refuses it.
 * - It bundles tsc's output, not the sources, so the code is what tsc emitted (decorators
 *   included), and names are kept (`keepNames`): error classes and stores are named by them.
 *
 *   node --import tsx scripts/bundle.ts
 */
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
/** The CLI is no export: bin/grantkit.js imports it by path. */
const CLI = 'dist/src/cli/main.js';

/** Every `default` target of the exports map that is built JavaScript, and the CLI. */
function entryPoints(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const targets = Object.values(manifest.exports).flatMap((target) =>
    typeof target === 'object' && target !== null && 'default' in target && typeof target.default === 'string' ? [target.default] : [],
  );
  return [...new Set([...targets.filter((t) => t.startsWith('./dist/') && t.endsWith('.js')), CLI])].map((t) => join(root, t));
}

/** Every .js file under a folder: what tsc wrote, all replaced by the bundle. */
function scripts(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return scripts(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** Packages whose code goes into the bundle (see above); every other package stays an import. */
const BUNDLED_PACKAGES = new Set(['zod']);

/** The package a bare import names: `@scope/name/sub` → `@scope/name`, `zod/v4` → `zod`. */
const packageOf = (specifier: string): string => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');

/** esbuild's `packages: 'external'`, but for the packages above. Paths (`./`, `../`, `/`) are not matched. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path }) => (BUNDLED_PACKAGES.has(packageOf(path)) ? undefined : { path, external: true }));
  },
};

const entries = entryPoints();
const result = await build({
  entryPoints: entries,
  outdir: dist,
  outbase: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackages],
  keepNames: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Kept in memory until tsc's files are gone, so a failed build leaves dist/ as tsc wrote it.
  write: false,
  logLevel: 'warning',
});
for (const file of scripts(dist)) rmSync(file);
for (const out of result.outputFiles) {
  mkdirSync(dirname(out.path), { recursive: true });
  writeFileSync(out.path, out.contents);
}
process.stdout.write(`bundled ${entries.length} entry points into ${result.outputFiles.length} files in ${relative(root, dist)}/\n`);
