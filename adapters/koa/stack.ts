import { arrayField, field } from '../../src/introspection/fields.js';
import type { StackLayer } from '../../src/introspection/guarded-routes.js';

/**
 * A Koa app's middleware (`app.middleware`), or an @koa/router router's layers, in the neutral
 * form guardedRoutes() walks. A router mounted with `app.use(router.routes())` is read through
 * the `router` its dispatch middleware carries; nested routers are already copied into their
 * parent's layers, prefixes applied. A router layer with no methods is middleware (`router.use`):
 * at its path when it has one, else for every path.
 */
export function koaStack(app: object): StackLayer[] {
  const middleware = field(app, 'middleware');
  if (Array.isArray(middleware)) return middleware.map(readMiddleware);
  if (Array.isArray(field(app, 'stack'))) return readRouter(app);
  throw new TypeError('grantkit: guardedRoutes() needs a Koa app or an @koa/router router');
}

function readMiddleware(fn: unknown): StackLayer {
  const router = field(fn, 'router');
  return Array.isArray(field(router, 'stack')) ? { kind: 'router', path: '/', layers: readRouter(router) } : { kind: 'use', path: '/', handler: fn };
}

function readRouter(router: unknown): StackLayer[] {
  return arrayField(router, 'stack').flatMap((layer): StackLayer[] => {
    const path = field(layer, 'path');
    const handlers = arrayField(layer, 'stack');
    const methods = arrayField(layer, 'methods').filter((m) => typeof m === 'string');
    if (methods.length > 0) return typeof path === 'string' ? [{ kind: 'route', path, methods, handlers }] : [];
    const literal = typeof path === 'string' && field(field(layer, 'opts'), 'pathAsRegExp') !== true;
    return handlers.map((handler) => ({ kind: 'use', path: literal ? path : '/', handler }));
  });
}
