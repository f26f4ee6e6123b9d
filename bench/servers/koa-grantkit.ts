// Koa 3 + grantkit: one requireScopes middleware in front of the handler.
import Koa from 'koa';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GrantKit } from '../../src/index.js';
import { announce, BODY, REQUIRED_SCOPE, skip, versionOf } from './common.js';
import { seedGrantkit } from './grantkit-setup.js';
import { openStore, type StoreKind } from './stores.js';

// The Koa adapter is written alongside the bench: import it by a computed name so its absence is a skip.
if (!existsSync(fileURLToPath(new URL('../../adapters/koa/index.ts', import.meta.url)))) {
  skip('adapters/koa/index.ts does not exist yet');
}
const specifier = '../../adapters/koa/index.js';
const adapter = (await import(specifier)) as {
  grantkit?: (kit: GrantKit) => { requireScopes(...scopes: string[]): Koa.Middleware };
};
if (typeof adapter.grantkit !== 'function') skip('adapters/koa/index.ts exports no grantkit()');

const kind = (process.env['BENCH_STORE'] ?? 'memory') as StoreKind;
const cache = process.env['BENCH_CACHE'] === 'on';
const opened = await openStore(kind, cache);
if (typeof opened === 'string') skip(opened);
const { kit, accessToken } = await seedGrantkit(opened.store, opened.batch, opened.cache === true);

const app = new Koa();
// autocannon closes its sockets mid-pipeline at the end of a round; Koa would log each ECONNRESET.
app.silent = true;
app.use(adapter.grantkit(kit).requireScopes(REQUIRED_SCOPE));
app.use((ctx) => {
  ctx.body = BODY;
});
announce(createServer(app.callback()), `Bearer ${accessToken}`, { koa: versionOf('koa') }, opened.note, opened.close);
