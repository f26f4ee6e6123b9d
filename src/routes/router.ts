import { GrantkitError } from '../errors/error.js';
import type { ErrorFamily } from '../errors/formats.js';
import { hostedRoutes } from './oauth/index.js';
import { v2Routes } from './v2/index.js';
import { v3Routes } from './v3/index.js';
import { accountRoutes } from './accounts/index.js';
import type { Route } from './route.js';

export interface MatchedRoute {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

interface Compiled {
  route: Route;
  segments: readonly string[];
}

/** Routes by first path segment, so a request for the app's own routes costs one Map read. */
const byFirstSegment = new Map<string, Compiled[]>();

export function registerRoutes(routes: readonly Route[]): void {
  for (const route of routes) {
    const segments = route.path.split('/').slice(1);
    const first = segments[0]!;
    if (first.startsWith(':')) throw new TypeError('grantkit: a route cannot start with a parameter');
    let list = byFirstSegment.get(first);
    if (!list) byFirstSegment.set(first, (list = []));
    list.push({ route, segments });
  }
}

registerRoutes(v2Routes);
registerRoutes(hostedRoutes);
registerRoutes(accountRoutes);
registerRoutes(v3Routes);

export function matchRoute(method: string, path: string): MatchedRoute | undefined {
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
    if (!params) continue;
    if (route.method === method) return { route, params };
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
      throw new GrantkitError('method_not_allowed', `Method not allowed; use ${allow}.`, { headers: { allow } });
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
