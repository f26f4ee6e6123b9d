#!/usr/bin/env node
// `npx grantkit`: runs the compiled CLI, dist/src/cli/main.js. `npm run build` writes it, and
// `prepack` runs the build, so a packed or published package always has it. This file loads
// JavaScript only, never TypeScript: nothing here needs tsx or any other dev dependency.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(fileURLToPath(cli))) {
  import(cli.href).catch((error) => {
    process.stderr.write(`grantkit: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
} else {
  // Only a checkout that has not been built gets here.
  process.stderr.write(
    'grantkit: the CLI is not built (dist/src/cli/main.js is missing). Run `npm run build` first, ' +
      'or run the source with `node --import tsx src/cli/main.ts`.\n',
  );
  process.exitCode = 1;
}
