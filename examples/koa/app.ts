import Router from '@koa/router';
import Koa from 'koa';
import { grantkit } from '../../adapters/koa/index.js';
import type { GrantKit } from '../../src/index.js';
import { DEMO_ROUTES, indexPage } from '../shared/demo-routes.js';

/** The Koa example app, exported so tests can run it without a port. Same routes as examples/express. */
export function createExampleApp(kit: GrantKit, clientId: string): Koa {
  const gk = grantkit(kit);
  const app = new Koa();
  app.use(gk.routes());
  app.use(gk.gate()); // every demo route is guarded by the v2 endpoint table
  const router = new Router();
  router.get('/', (ctx) => {
    ctx.body = indexPage(clientId);
  });
  for (const r of DEMO_ROUTES) {
    router.register(r.path, [r.method], (ctx) => {
      ctx.body = r.describe(ctx.params, ctx.state.grant);
    });
  }
  app.use(router.routes());
  return app;
}
