import express from 'express';
import { grantkit } from '../../adapters/express/index.js';
import type { GrantKit } from '../../src/index.js';
import { callbackPage } from '../shared/callback-page.js';
import { v2CallbackPage } from '../shared/v2-callback-page.js';
import { DEMO_ROUTES, indexPage, OPENAPI_INFO, V3_DEMO_ROUTES } from '../shared/demo-routes.js';
import { hostedSettings, type ExampleHosted } from '../shared/hosted.js';

/**
 * The example app, exported so tests can run it without a port. `hosted` names the public URL
 * and callback URIs the /callback pages refer to (default: those of `PORT` 3000); with
 * `clientSecret`, /callback/v2 redeems v2 codes itself, as an app's server does.
 */
export function createExampleApp(kit: GrantKit, clientId: string, hosted: ExampleHosted = hostedSettings({}, 3000), clientSecret?: string): express.Express {
  const gk = grantkit(kit);
  const app = express();
  app.disable('x-powered-by');
  app.use(gk.routes());
  // The demo app's own callback page: public, so it comes before the gate.
  app.get('/callback', (req, res) => {
    const page = callbackPage(new URL(req.originalUrl, 'http://localhost').searchParams, clientId, hosted);
    res.status(page.status).set(page.headers).send(page.html);
  });
  app.get('/callback/v2', async (req, res) => {
    const page = await v2CallbackPage(new URL(req.originalUrl, 'http://localhost').searchParams, clientId, hosted, clientSecret);
    res.status(page.status).set(page.headers).send(page.html);
  });
  // The OpenAPI 3.1 document of everything this app serves, grantkit's routes and its own; public too.
  app.get('/openapi.json', (_req, res, next) => {
    gk.openapi({ app, info: OPENAPI_INFO }).then((doc) => res.json(doc), next);
  });
  // Store reachability and the invalidation channel, for load balancers and monitors; public too.
  app.get('/healthz', gk.health());
  app.use(gk.gate()); // every demo route, v2 and v3, is guarded by the v2 endpoint table
  app.get('/', (_req, res) => {
    res.json(indexPage(clientId));
  });
  for (const r of [...DEMO_ROUTES, ...V3_DEMO_ROUTES]) {
    const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    app[method](r.path, (req, res) => {
      res.json(r.describe(req.params as Record<string, string>, req.grant));
    });
  }
  return app;
}
