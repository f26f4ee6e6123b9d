// ESLint holds the layer rules and the size rules; the import graph's cycles, type-only imports
// included, are checked by dependency-cruiser (.dependency-cruiser.cjs), since
// eslint-plugin-import-x's no-cycle does not follow `import type`.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Frameworks: only adapters/ may import them (the version-pinned aliases the tests use included). */
const frameworks = {
  // passport-oauth2 is not one: the core's connectors build their OAuth 2.0 strategy with it.
  regex: '^(express|koa)([\\d-].*)?$|^(express|koa|passport)(/.*)?$|^@koa/|^@nestjs/',
  message: 'The core never imports a framework: adapters/ translate between a framework and src/.',
};
const adaptersFolder = {
  regex: '(^|/)adapters(/|$)',
  message: 'The core never imports an adapter: adapters depend on src/, not the other way round.',
};
const scopesReach = {
  // Relative to a file in src/scopes/: its own folder, or src/errors/.
  regex: '^(?!\\./|\\.\\./errors/)',
  message: 'src/scopes/ imports only its own folder and src/errors/ (no package): the scope model stands on its own.',
};
const routesFolder = {
  regex: '(^|/)routes(/|$)',
  message: 'A store imports no route: routes call stores, never the reverse.',
};
/** One adapter never imports another: what two adapters share lives in src/. */
const otherAdapters = (own) => ({
  regex: `^\\.\\.?/(.*/)?(${['express', 'koa', 'decorators', 'passport', 'nest'].filter((a) => a !== own).join('|')})(/|$)`,
  message: `adapters/${own} imports no other adapter: what two adapters share belongs in src/.`,
});

/**
 * `no-restricted-imports` for a layer. When several blocks match a file, the last one's options
 * replace the others', so each block lists every restriction that holds for its files.
 */
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.bench/'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    // A disable comment for a rule that does not run, or that no longer fires, is dead code.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  { files: ['src/**/*.ts'], rules: restrict(frameworks, adaptersFolder) },
  // Stricter than the rest of src/: no package and no other folder, frameworks and adapters included.
  { files: ['src/scopes/**/*.ts'], rules: restrict(scopesReach) },
  { files: ['src/store/**/*.ts'], rules: restrict(frameworks, adaptersFolder, routesFolder) },
  ...['express', 'koa', 'decorators', 'passport', 'nest'].map((own) => ({
    files: [`adapters/${own}/**/*.ts`],
    rules: restrict(otherAdapters(own)),
  })),
  {
    // The build bundles the part of zod grantkit uses (scripts/bundle.ts). `import { z }` takes
    // zod's whole namespace object, its sixty-odd translations included, and defeats that.
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as `import * as z from 'zod'`: `import { z }` bundles all of zod, its sixty-odd translations included.",
        },
      ],
    },
  },
  {
    // A module a reader can hold in their head, a function that fits on a screen, and no type
    // assertion that claims more than a check has shown.
    files: ['src/**/*.ts'],
    ignores: ['**/*.generated.ts'],
    rules: {
      'max-lines': ['error', 300],
      'max-lines-per-function': ['error', 60],
      // Every `as` (bar `as const`) can claim more than the value is; narrow with a check instead.
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
    },
  },
);
