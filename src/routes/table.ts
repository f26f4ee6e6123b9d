/**
 * grantkit's own routes, and how their files are laid out.
 *
 * One route per file, filed by its URL: the folders and the file name spell the path, and the
 * file name ends in the method. `[name]` is a path parameter (`:name` in the route), and a path
 * that has routes below it keeps its own in `index.<method>.ts`:
 *
 *   v2/connect/token.post.ts                               POST    /connect/token
 *   v2/a/[client_id]/accounts/[account_id]/index.get.ts    GET     /a/:client_id/accounts/:account_id
 *   v3/connect/token.post.ts                               POST    /v3/connect/token
 *   v3/connect/token.options.ts                            OPTIONS /v3/connect/token
 *   v3/grants/index.get.ts                                 GET     /v3/grants
 *   v3/grants/[grant_id].patch.ts                          PATCH   /v3/grants/:grant_id
 *   well-known/jwks.json.get.ts                            GET     /.well-known/jwks.json
 *
 * The first folder is the API generation: v3 paths begin with /v3, v2 paths have no prefix, so
 * `v2/` stands for the root. `/.well-known` is filed as `well-known/`, without the dot that would
 * hide the folder. A file whose name has no method is not a route: it holds what the routes
 * beside and below it share (caller checks, a body schema, CORS headers). Which routes an app
 * gets is decided by families.ts, not by the files present; the `/v3/integrations` aliases of the
 * connector routes have no files of their own, families.ts derives them. catalog.ts names each
 * file's route for the families without loading it: a route file loads at its first request.
 * test/core/route-table.test.ts holds every route file to this layout.
 */
import { GrantKitError } from '../errors/error.js';
import type { ErrorFamily } from '../errors/formats.js';
import { routeFamilies } from './families.js';
import type { Route } from './route.js';

export interface MatchedRoute {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
  /** The routes it was matched among, when not all of them. */
  readonly mounted?: ReadonlySet<Route> | undefined;
}

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

/** A kit's own routes, matched once per request. */
export interface RouteTable {
  /**
   * The route for this method and path, a 405 route for one of its paths with another method, else
   * undefined. With `mounted`, only those routes count: a path that none of them serves is not
   * matched at all, not even for a 405, so it falls through to the app.
   */
  match(method: string, path: string, mounted?: ReadonlySet<Route>): MatchedRoute | undefined;
}

/**
 * Builds a route table from route families (all of them unless told otherwise). The kit builds its
 * own once, so two kits never share one and nothing is registered at import time. Routes are kept
 * by first path segment, so a request for the app's own routes costs one Map read.
 */
export function buildRouteTable(families: Iterable<readonly Route[]> = Object.values(routeFamilies)): RouteTable {
  const byFirstSegment = new Map<string, Compiled[]>();
  for (const routes of families) {
    for (const route of routes) {
      const segments = route.path.split('/').slice(1);
      const first = segments[0]!;
      if (first.startsWith(':')) throw new TypeError('grantkit: a route cannot start with a parameter');
      let list = byFirstSegment.get(first);
      if (!list) byFirstSegment.set(first, (list = []));
      list.push({ route, segments });
    }
  }
  return { match: (method, path, mounted) => matchRoute(byFirstSegment, method, path, mounted) };
}

function matchRoute(
  byFirstSegment: ReadonlyMap<string, readonly Compiled[]>,
  method: string,
  path: string,
  mounted: ReadonlySet<Route> | undefined,
): MatchedRoute | undefined {
  const slash = path.indexOf('/', 1);
  const first = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const candidates = byFirstSegment.get(first);
  if (candidates === undefined) return undefined;
  const parts = path.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // tolerate one trailing slash
  const allowed: string[] = [];
  let family: ErrorFamily = 'v2';
  for (const { route, segments } of candidates) {
    if (segments.length !== parts.length) continue;
    const params = matchSegments(segments, parts);
    if (!params || (mounted !== undefined && !mounted.has(route))) continue;
    if (route.method === method) return mounted === undefined ? { route, params } : { route, params, mounted };
    allowed.push(route.method);
    family = route.family;
  }
  // Our path with another method: answer 405 in our format rather than leave it to the framework's HTML 404.
  return allowed.length > 0 ? { route: methodNotAllowed(family, allowed), params: {} } : undefined;
}

function methodNotAllowed(family: ErrorFamily, allowed: readonly string[]): Route {
  const allow = allowed.join(', ');
  return {
    method: 'GET',
    path: '',
    family,
    readsBody: false,
    async handler() {
      throw new GrantKitError('method_not_allowed', `Method not allowed; use ${allow}.`, { headers: { allow } });
    },
  };
}

function matchSegments(segments: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith(':')) {
      if (part === '') return undefined;
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined; // malformed percent-encoding: not our route
      }
    } else if (seg !== part) return undefined;
  }
  return params;
}
