// Express 5 + grantkit: requireScopes as the route's only middleware (it resolves and checks in one layer).
import express from 'express';
import { createServer } from 'node:http';
import { grantkit } from '../../adapters/express/index.js';
import { announce, BODY, REQUIRED_SCOPE, skip, versionOf } from './common.js';
import { seedGrantkit } from './grantkit-setup.js';
import { openStore, type StoreKind } from './stores.js';

const kind = (process.env['BENCH_STORE'] ?? 'memory') as StoreKind;
const cache = process.env['BENCH_CACHE'] === 'on';
const opened = await openStore(kind, cache);
if (typeof opened === 'string') skip(opened);
const { kit, accessToken } = await seedGrantkit(opened.store, opened.batch, opened.cache === true);

const app = express();
app.set('etag', false);
app.disable('x-powered-by');
app.get('/', grantkit(kit).requireScopes(REQUIRED_SCOPE), (_req, res) => {
  res.json(BODY);
});
announce(createServer(app), `Bearer ${accessToken}`, { express: versionOf('express') }, opened.note, opened.close);
