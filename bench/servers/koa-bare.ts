// Bare Koa 3, no router (as fastify/benchmarks runs it): the baseline of every Koa variant. With
// BENCH_NOOP_LAYER=on, one empty middleware in front: what any single layer costs.
import Koa from 'koa';
import { createServer } from 'node:http';
import { announce, BODY, versionOf } from './common.js';

const app = new Koa();
// autocannon closes its sockets mid-pipeline at the end of a round; Koa would log each ECONNRESET.
app.silent = true;
if (process.env['BENCH_NOOP_LAYER'] === 'on') app.use((_ctx, next) => next());
app.use((ctx) => {
  ctx.body = BODY;
});
announce(createServer(app.callback()), 'Bearer none', { koa: versionOf('koa') });
