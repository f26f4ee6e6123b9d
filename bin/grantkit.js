#!/usr/bin/env node
// `npx grantkit`: runs the compiled CLI (a published package is always built). In a checkout
// that has not been built, it runs the TypeScript source through tsx, a dev dependency.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
