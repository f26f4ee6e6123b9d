// Koa 3 + the reference check (reference-check.ts) as one middleware in front of the handler.
import Koa from 'koa';
import { createServer } from 'node:http';
import { announce, BODY, versionOf } from './common.js';
import { check, referenceGrants } from './reference-check.js';

const { grants, token } = referenceGrants();
const app = new Koa();
app.silent = true;
app.use(async (ctx, next) => {
  const grant = check(grants, ctx.get('authorization') || undefined);
  if (typeof grant === 'number') {
    ctx.status = grant;
    ctx.body = { error: grant === 401 ? 'unauthorized' : 'forbidden' };
    return;
  }
  ctx.state['referenceGrant'] = grant;
  await next();
});
app.use((ctx) => {
  ctx.body = BODY;
});
announce(createServer(app.callback()), `Bearer ${token}`, { koa: versionOf('koa') });
