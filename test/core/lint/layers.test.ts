import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The layer rules are only worth having if they fire: each case lints one import as if it stood
// in the named file, against the repository's own eslint.config.js.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The errors ESLint reports for `code` in `filePath`: rule ids, or the message where there is none. */
async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

const refused: ReadonlyArray<readonly [string, string]> = [
  ['src/kit.ts', "import type { Request } from 'express';"],
  ['src/kit.ts', "import Koa from 'koa';"],
  ['src/kit.ts', "import Router from '@koa/router';"],
  ['src/kit.ts', "import passport from 'passport';"],
  ['src/kit.ts', "import express from 'express4';"],
  ['src/http/body.ts', "export * from '../../adapters/express/index.js';"],
  ['src/scopes/graph.ts', "import type { Grant } from '../grants/grant.js';"],
  ['src/scopes/graph.ts', "import { z } from 'zod';"],
  ['src/store/memory.ts', "import type { Route } from '../routes/route.js';"],
  ['src/store/sql/sqlite.ts', "import { routeFamilies } from '../../routes/families.js';"],
  ['adapters/decorators/express.ts', "import type { ExpressGrantKit } from '../express/index.js';"],
  ['adapters/passport/index.ts', "import type {} from '../express/index.js';"],
  ['adapters/express/index.ts', "import { grantkit } from '../koa/index.js';"],
  ['adapters/koa/index.ts', "import { expressController } from '../decorators/express.js';"],
];

const allowed: ReadonlyArray<readonly [string, string]> = [
  ['src/oauth/strategy.ts', "import OAuth2Strategy from 'passport-oauth2';"],
  ['src/scopes/parse.ts', "import { GrantKitError } from '../errors/error.js';"],
  ['src/scopes/parse.ts', "import { closure } from './graph.js';"],
  ['src/store/memory.ts', "import type { Grant } from '../grants/grant.js';"],
  ['adapters/express/index.ts', "import type { Request } from 'express';"],
  ['adapters/decorators/koa.ts', "import type { Middleware } from 'koa';"],
  ['adapters/decorators/index.ts', "export { koaController } from './koa.js';"],
  ['adapters/koa/index.ts', "import { GrantKitError } from '../../src/index.js';"],
];

describe('lint: the layer rules', () => {
  for (const [file, code] of refused) {
    it(`refuses in ${file}: ${code}`, async () => {
      assert.ok((await errorsFor(file, code)).includes('no-restricted-imports'));
    });
  }
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code}`, async () => {
      assert.deepEqual(await errorsFor(file, code), []);
    });
  }

  it('reports a disable comment for a rule that does not run', async () => {
    const errors = await errorsFor('src/kit.ts', 'export const a = 1; // eslint-disable-line no-console');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /Unused eslint-disable directive/);
  });
});

// The build bundles only the part of zod grantkit uses, which `import { z }` would defeat.
const zodImports: ReadonlyArray<readonly [string, string, boolean]> = [
  ['src/http/validate.ts', "import { z } from 'zod';", false],
  ['src/store/record-schemas.ts', "import { z, type ZodType } from 'zod';", false],
  ['adapters/koa/index.ts', "import { z } from 'zod';", false],
  ['src/http/validate.ts', "import * as z from 'zod';", true],
  ['src/http/validate.ts', "import type * as z from 'zod';", true],
  ['src/store/record-schemas.ts', "import { object, string } from 'zod';", true],
];

describe('lint: how zod is imported', () => {
  for (const [file, code, allowed] of zodImports) {
    it(`${allowed ? 'allows' : 'refuses'} in ${file}: ${code}`, async () => {
      const errors = await errorsFor(file, code);
      if (allowed) assert.deepEqual(errors, []);
      else assert.deepEqual(errors, ['no-restricted-syntax']);
    });
  }
});

describe('lint: the cycle check', () => {
  it('finds a cycle made only of type imports', () => {
    const depcruise = fileURLToPath(new URL('../../../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));
    const run = spawnSync(
      process.execPath,
      [depcruise, 'test/core/lint/fixtures/type-cycle', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.notEqual(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /no-circular/);
  });
});
