import express, { type Request, type Response } from 'express';
import { expressController, Public, RequireScopes, type AccessDecorator } from '../../adapters/decorators/index.js';
import { grantkit } from '../../adapters/express/index.js';
import { V2_ENDPOINT_SCOPES, type GrantKit, type HttpMethod } from '../../src/index.js';
import { callbackPage } from '../shared/callback-page.js';
import { v2CallbackPage } from '../shared/v2-callback-page.js';
import { DEMO_ROUTES, indexPage, type DemoRoute } from '../shared/demo-routes.js';
import { hostedSettings, type ExampleHosted } from '../shared/hosted.js';

/**
 * The decorators example: the demo routes as controller methods, each decorated with the row of
 * the shared v2 endpoint table that governs it, so it answers exactly as examples/express does.
 */

function row(method: HttpMethod, path: string): readonly string[] {
  const found = V2_ENDPOINT_SCOPES.find((r) => r.method === method && r.path === path);
  if (found === undefined || found.scopes === 'any') throw new Error(`no scoped table row for ${method} ${path}`);
  return found.scopes;
}

/**
 * The decorator for one table row. A row that no scope admits (writes on /resources) has nothing
 * for a decorator to say; the table gate mounted in front closes it (see createExampleApp).
 */
function fromTable(method: HttpMethod, path: string): AccessDecorator {
  const scopes = row(method, path);
  return scopes.length > 0 ? RequireScopes(...scopes) : Public();
}

function demo(method: HttpMethod, path: string): DemoRoute {
  const found = DEMO_ROUTES.find((r) => r.method === method && r.path === path);
  if (found === undefined) throw new Error(`no demo route ${method} ${path}`);
  return found;
}

function answer(route: DemoRoute, req: Request, res: Response): void {
  res.json(route.describe(req.params as Record<string, string>, req.grant));
}

/** One controller class per resource: the decorator arguments come from the table, per method. */
function resourceController(base: string) {
  const item = `${base}/:id`;
  class ResourceController {
    readonly base = base;
    @fromTable('GET', base)
    list(req: Request, res: Response): void {
      answer(demo('GET', this.base), req, res);
    }
    @fromTable('POST', base)
    create(req: Request, res: Response): void {
      answer(demo('POST', this.base), req, res);
    }
    @fromTable('GET', item)
    read(req: Request, res: Response): void {
      answer(demo('GET', item), req, res);
    }
    @fromTable('PUT', item)
    update(req: Request, res: Response): void {
      answer(demo('PUT', item), req, res);
    }
    @fromTable('DELETE', item)
    remove(req: Request, res: Response): void {
      answer(demo('DELETE', item), req, res);
    }
  }
  return new ResourceController();
}

class HomeController {
  constructor(
    private readonly clientId: string,
    private readonly hosted: ExampleHosted,
    private readonly clientSecret: string | undefined,
  ) {}
  @Public()
  index(_req: Request, res: Response): void {
    res.json(indexPage(this.clientId));
  }
  /** Where hosted sign-in sends the user back: the code and state, shown (see shared/callback-page.ts). */
  @Public()
  callback(req: Request, res: Response): void {
    const page = callbackPage(new URL(req.originalUrl, 'http://localhost').searchParams, this.clientId, this.hosted);
    res.status(page.status).set(page.headers).send(page.html);
  }
  /** Where the v2 hosted sign-in sends the user back: the code, redeemed at /oauth/token (see shared/v2-callback-page.ts). */
  @Public()
  async callbackV2(req: Request, res: Response): Promise<void> {
    const page = await v2CallbackPage(new URL(req.originalUrl, 'http://localhost').searchParams, this.clientId, this.hosted, this.clientSecret);
    res.status(page.status).set(page.headers).send(page.html);
  }
  @fromTable('POST', '/send')
  send(req: Request, res: Response): void {
    answer(demo('POST', '/send'), req, res);
  }
}

const RESOURCE_BASES = [...new Set(DEMO_ROUTES.filter((r) => r.path.endsWith('/:id')).map((r) => r.path.slice(0, -4)))];

/** The example app, exported so tests can run it without a port. `hosted` and `clientSecret` as in examples/express. */
export function createExampleApp(kit: GrantKit, clientId: string, hosted: ExampleHosted = hostedSettings({}, 3000), clientSecret?: string): express.Express {
  const gk = grantkit(kit);
  const app = express();
  app.disable('x-powered-by');
  app.use(gk.routes());
  // The table's /resources rows close the writes no scope admits. All of that path's rows, not
  // only those: gate() refuses a method its table leaves out on a path it lists.
  app.use(gk.gate(V2_ENDPOINT_SCOPES.filter((r) => r.path === '/resources' || r.path.startsWith('/resources/'))));
  const home = expressController(gk, new HomeController(clientId, hosted, clientSecret));
  app.get('/', home.index);
  app.get('/callback', home.callback);
  app.get('/callback/v2', home.callbackV2);
  app.post('/send', home.send);
  for (const base of RESOURCE_BASES) {
    const c = expressController(gk, resourceController(base));
    app.get(base, c.list).post(base, c.create);
    app.get(`${base}/:id`, c.read).put(`${base}/:id`, c.update).delete(`${base}/:id`, c.remove);
  }
  return app;
}
