import { arrayField, field } from '../../src/introspection/fields.js';
import type { StackLayer } from '../../src/introspection/guarded-routes.js';

/**
 * An Express app's (or router's) middleware stack in the neutral form guardedRoutes() walks.
 * Express 4 keeps the stack on `app._router`, Express 5 on `app.router`, a Router on itself. A
 * layer's mount path is `layer.rawPath` on Express 5 (router 2.3 and later) and is read back from
 * the layer's regular expression on Express 4; a layer whose path cannot be read (a RegExp path)
 * is left out.
 */
export function expressStack(app: object): StackLayer[] {
  // Express 4's `app.router` getter throws; its router is `_router`, made at the first route or use().
  const express4 = 'lazyrouter' in app;
  const router = express4 ? field(app, '_router') : 'stack' in app ? app : field(app, 'router');
  const stack = field(router, 'stack');
  if (Array.isArray(stack)) return stack.flatMap(readLayer);
  if (express4 && router === undefined) return [];
  throw new TypeError('grantkit: guardedRoutes() needs an Express app or router');
}

function readLayer(layer: unknown): StackLayer[] {
  const route = field(layer, 'route');
  if (route !== undefined) return readRoute(route);
  const handler = field(layer, 'handle');
  return mountPaths(layer).map((path): StackLayer => {
    const nested = field(handler, 'stack');
    if (typeof handler === 'function' && Array.isArray(nested)) return { kind: 'router', path, layers: nested.flatMap(readLayer) };
    return { kind: 'use', path, handler };
  });
}

function readRoute(route: unknown): StackLayer[] {
  const methods = field(route, 'methods');
  const list = typeof methods === 'object' && methods !== null ? Object.keys(methods).filter((m) => field(methods, m) === true) : [];
  const handlers = arrayField(route, 'stack').map((l) => field(l, 'handle'));
  return paths(field(route, 'path')).map((path) => ({ kind: 'route', path, methods: list, handlers }));
}

function mountPaths(layer: unknown): string[] {
  const raw = field(layer, 'rawPath');
  if (raw !== undefined) return paths(raw);
  if (field(layer, 'slash') === true || field(field(layer, 'regexp'), 'fast_slash') === true) return ['/'];
  const path = express4MountPath(field(layer, 'regexp'), arrayField(layer, 'keys'));
  return path === undefined ? [] : [path];
}

/**
 * An Express 4 mount path from the expression path-to-regexp 0.1 made of it: `/nylas` is
 * `^\/nylas\/?(?=\/|$)`, and each parameter is `(?:\/([^/]+?))`, named by the layer's keys.
 */
function express4MountPath(regexp: unknown, keys: readonly unknown[]): string | undefined {
  if (!(regexp instanceof RegExp)) return undefined;
  const body = /^\^(.*)\\\/\?\(\?=\\\/\|\$\)$/.exec(regexp.source)?.[1];
  if (body === undefined) return undefined;
  let i = 0;
  const path = body.replaceAll('(?:\\/([^/]+?))', () => `/:${String(field(keys[i++], 'name'))}`).replaceAll('\\/', '/');
  return /[\\()[\]?*+^$|]/.test(path) ? undefined : path;
}

function paths(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.flat(Infinity).filter((p): p is string => typeof p === 'string') : [];
}
