import type { GuardMode } from '../guard.js';
import { foldedSegments, v3GrantsAt } from '../http/path-shape.js';
import type { RouteFamilyName } from '../routes/families.js';
import { compileEndpointTable, type EndpointRule } from '../scopes/gating.js';

/**
 * An app's routes and the grantkit guards in front of each, found by walking the app's own
 * middleware stack. The OpenAPI document and the scope report both read the app this way.
 *
 * Each adapter marks the middleware it makes (`markMiddleware`): a scope guard with its scopes,
 * `gate()` with its endpoint table, `routes()` with its route families. An adapter's stack reader
 * turns its framework's stack (Express 4/5 router layers, Koa middleware and @koa/router layers)
 * into the neutral `StackLayer` list below; `findGuardedRoutes` walks that list in order, as a
 * request would, so a guard covers the routes after it under its mount path and none before it.
 */

/** What one piece of grantkit middleware does, recorded when an adapter makes it. */
export type MiddlewareMark =
  | { readonly kind: 'scopes'; readonly mode: GuardMode; readonly scopes: readonly string[] }
  | { readonly kind: 'gate'; readonly rules: readonly EndpointRule[] }
  | { readonly kind: 'routes'; readonly families: readonly RouteFamilyName[] }
  | { readonly kind: 'health' };

/** Keyed by the middleware function itself: a mark goes away with it. */
const marks = new WeakMap<object, MiddlewareMark>();

/** Records what `middleware` does; returns it, so an adapter can mark what it returns in place. */
export function markMiddleware<T>(middleware: T, mark: MiddlewareMark): T {
  if (typeof middleware === 'function' || (typeof middleware === 'object' && middleware !== null)) marks.set(middleware, mark);
  return middleware;
}

/** Gives `target` the mark `source` has, if any: a wrapper around a guard (a decorated controller method) stands for it. */
export function withMarkOf<T>(target: T, source: unknown): T {
  const mark = middlewareMark(source);
  return mark === undefined ? target : markMiddleware(target, mark);
}

/** What a piece of middleware was marked with, if grantkit made it. */
export function middlewareMark(middleware: unknown): MiddlewareMark | undefined {
  return typeof middleware === 'function' || (typeof middleware === 'object' && middleware !== null) ? marks.get(middleware) : undefined;
}

/**
 * One layer of an app's stack, as an adapter reads it from its framework. Paths are written as
 * Express and @koa/router write them (`/messages/:id`), relative to the stack they sit in.
 */
export type StackLayer =
  /** A route: the methods it answers, and its handlers in order (guards included). */
  | { readonly kind: 'route'; readonly path: string; readonly methods: readonly string[]; readonly handlers: readonly unknown[] }
  /** Middleware for every request under `path` (`app.use(path, fn)`; `/` for all). */
  | { readonly kind: 'use'; readonly path: string; readonly handler: unknown }
  /** A router mounted at `path`, its own layers relative to it. */
  | { readonly kind: 'router'; readonly path: string; readonly layers: readonly StackLayer[] };

/** One scope check a route's requests must pass. */
export interface ScopeRequirement {
  /** `any`: at least one of `scopes` (the hierarchy included); `all`: every one of them. */
  readonly mode: GuardMode;
  /** Empty: no scope admits the route (a `gate()` row that admits nobody, or a method the table refuses). */
  readonly scopes: readonly string[];
  /** A guard on the route itself, a guard mounted before it, or `gate()`'s endpoint table. */
  readonly source: 'route' | 'middleware' | 'gate';
}

/** One method and path the app answers, and what grantkit asks of a request for it. */
export interface GuardedRoute {
  /** Upper case: GET, POST, PUT, PATCH or DELETE. */
  readonly method: string;
  /** The full path, mount paths included, as the app wrote it (`/messages/:id`). */
  readonly path: string;
  /** Whether a grantkit guard covers it, so a request needs a valid token. */
  readonly guarded: boolean;
  /** Every requirement must hold; a guard that admits any valid token (`GET /account` in `gate()`) adds none. */
  readonly requirements: readonly ScopeRequirement[];
  /** Whether the route names a grant (a `grants/{grant}` pair or a grant parameter): an API key may then call it too. */
  readonly namesGrant: boolean;
  /** Present and true on a route that answers grantkit's health report (`gk.health()`). */
  readonly health?: true;
}

/** Where the app mounted grantkit's own routes (`routes()`), and which route families. */
export interface GrantKitMount {
  readonly prefix: string;
  readonly families: readonly RouteFamilyName[];
}

export interface GuardedRoutes {
  /** The app's own routes, in the order it registered them. */
  readonly routes: readonly GuardedRoute[];
  readonly grantkit: readonly GrantKitMount[];
}

/** The methods an app route is documented and checked under; HEAD goes with GET, OPTIONS is never guarded. */
const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

type TableLookup = ReturnType<typeof compileEndpointTable<readonly string[] | 'any'>>;

/** Each endpoint table compiled once, however many routes are read against it. */
const tables = new WeakMap<readonly EndpointRule[], TableLookup>();

/** A guard mounted with `use`, and the path it was mounted at. */
interface Active {
  readonly prefix: readonly string[];
  readonly mark: MiddlewareMark;
}

/** Walks a stack: every route with the guards in front of it, and where grantkit's routes are mounted. */
export function findGuardedRoutes(stack: readonly StackLayer[], grantParams: readonly string[]): GuardedRoutes {
  const routes: GuardedRoute[] = [];
  const grantkit: GrantKitMount[] = [];
  const walk = (layers: readonly StackLayer[], base: readonly string[], outer: readonly Active[]): void => {
    const active = [...outer];
    for (const layer of layers) {
      const at = [...base, ...segmentsOf(layer.path)];
      if (layer.kind === 'router') walk(layer.layers, at, active);
      else if (layer.kind === 'use') {
        const mark = middlewareMark(layer.handler);
        if (mark?.kind === 'routes') grantkit.push({ prefix: joinPath(at), families: mark.families });
        else if (mark !== undefined) active.push({ prefix: at, mark });
      } else {
        for (const method of routeMethods(layer.methods)) routes.push(describeRoute(method, at, layer.handlers, active, grantParams));
      }
    }
  };
  walk(stack, [], []);
  return { routes, grantkit };
}

function describeRoute(
  method: string,
  path: readonly string[],
  handlers: readonly unknown[],
  active: readonly Active[],
  grantParams: readonly string[],
): GuardedRoute {
  let guarded = false;
  const requirements: ScopeRequirement[] = [];
  for (const { prefix, mark } of active) {
    if (!startsWith(path, prefix)) continue;
    if (mark.kind === 'scopes') {
      guarded = true;
      requirements.push({ mode: mark.mode, scopes: mark.scopes, source: 'middleware' });
    } else if (mark.kind === 'gate') {
      const row = gateRow(mark.rules, method, path.slice(prefix.length));
      if (row === undefined) continue;
      guarded = true;
      if (row !== 'any') requirements.push({ mode: 'any', scopes: row, source: 'gate' });
    }
  }
  let health = false;
  for (const handler of handlers) {
    const mark = middlewareMark(handler);
    if (mark?.kind === 'health') health = true;
    if (mark?.kind !== 'scopes') continue;
    guarded = true;
    requirements.push({ mode: mark.mode, scopes: mark.scopes, source: 'route' });
  }
  const route = { method, path: joinPath(path), guarded, requirements, namesGrant: namesGrant(path, grantParams) };
  return health ? { ...route, health: true } : route;
}

/**
 * What `gate()`'s table says about a route: the scopes of its row, `any` for a row any token
 * passes, an empty list for a method the table refuses on that path (405), undefined when the
 * table does not list the path. Route parameters match the table's parameters only, so
 * `/messages/:id` gets the `/messages/:id` row, not `/messages/search`. v3 data paths are read
 * after their `/v3/grants/{grant}`, as the gate reads them.
 */
function gateRow(rules: readonly EndpointRule[], method: string, path: readonly string[]): readonly string[] | 'any' | undefined {
  let lookup = tables.get(rules);
  if (lookup === undefined) tables.set(rules, (lookup = compileEndpointTable(rules, (rule) => rule.scopes)));
  const folded = foldedSegments(joinPath(path));
  const at = v3GrantsAt(folded);
  const match = lookup(method, at >= 0 ? folded.slice(at + 3) : folded);
  if (match === undefined) return undefined;
  return match.kind === 'rule' ? match.value : [];
}

function namesGrant(path: readonly string[], grantParams: readonly string[]): boolean {
  if (path.some((s) => s.startsWith(':') && grantParams.includes(s.slice(1)))) return true;
  return path.some((s, i) => s.toLowerCase() === 'grants' && i + 1 < path.length);
}

/** The documented methods of a route: upper case, HEAD folded into GET, in the usual order. */
function routeMethods(methods: readonly string[]): string[] {
  const upper = new Set(methods.map((m) => m.toUpperCase()));
  return METHODS.filter((m) => upper.has(m));
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function joinPath(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/** Whether a path lies under a mount path; a parameter in the mount path matches any one segment. */
function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((s, i) => s.startsWith(':') || path[i]!.startsWith(':') || s.toLowerCase() === path[i]!.toLowerCase());
}
