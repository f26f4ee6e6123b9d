import Router from '@koa/router';
import Koa from 'koa';
import { grantkit } from '../../adapters/koa/index.js';
import type { GrantKit } from '../../src/index.js';
import { callbackPage } from '../shared/callback-page.js';
import { v2CallbackPage } from '../shared/v2-callback-page.js';
import { DEMO_ROUTES, indexPage, OPENAPI_INFO } from '../shared/demo-routes.js';
import { hostedSettings, type ExampleHosted } from '../shared/hosted.js';

/** The Koa example app, exported so tests can run it without a port. Same routes and arguments as examples/express. */
export function createExampleApp(kit: GrantKit, clientId: string, hosted: ExampleHosted = hostedSettings({}, 3000), clientSecret?: string): Koa {
  const gk = grantkit(kit);
  const app = new Koa();
  app.use(gk.routes());
  // The demo app's own callback page: public, so it comes before the gate.
  const callback = new Router();
  callback.get('/callback', (ctx) => {
    const page = callbackPage(new URLSearchParams(ctx.querystring), clientId, hosted);
    ctx.status = page.status;
    ctx.set(page.headers);
    ctx.body = page.html;
  });
  callback.get('/callback/v2', async (ctx) => {
    const page = await v2CallbackPage(new URLSearchParams(ctx.querystring), clientId, hosted, clientSecret);
    ctx.status = page.status;
    ctx.set(page.headers);
    ctx.body = page.html;
  });
  // The OpenAPI 3.1 document of everything this app serves, grantkit's routes and its own; public too.
  callback.get('/openapi.json', async (ctx) => {
    ctx.body = await gk.openapi({ app, info: OPENAPI_INFO });
  });
  // Store reachability and the invalidation channel, for load balancers and monitors; public too.
  callback.get('/healthz', gk.health());
  app.use(callback.routes());
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
