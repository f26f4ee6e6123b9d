import { familyOfPath } from '../errors/formats.js';
import type { GuardedRoute, ScopeRequirement } from '../introspection/guarded-routes.js';
import { ERROR_NAMES } from './components.js';
import { openApiPath, pathParameters } from './schemas.js';
import type { JsonSchema, Operation, ResponseOrRef, SecurityRequirement } from './types.js';

/**
 * The app's own routes in the document: each with the scopes its guards require as `security`.
 * A requirement object holds every scope it lists, and a request meets any one of the
 * alternatives, so `requireScopes(a, b)` is two alternatives and `requireAllScopes(a, b)` one; two
 * guards on a route multiply out. A route that names a grant takes an API key as well.
 */

/** The scope sets that satisfy every requirement: one per alternative, or none when no scope can. */
export function scopeAlternatives(requirements: readonly ScopeRequirement[]): string[][] {
  let alternatives: string[][] = [[]];
  for (const r of requirements) {
    const options = r.mode === 'all' ? (r.scopes.length === 0 ? [] : [[...r.scopes]]) : r.scopes.map((s) => [s]);
    alternatives = alternatives.flatMap((held) => options.map((more) => [...new Set([...held, ...more])]));
  }
  // Each distinct set once, in the order the guards name them.
  const distinct = new Map<string, string[]>();
  for (const set of alternatives) {
    const key = [...set].sort().join(' ');
    if (!distinct.has(key)) distinct.set(key, set);
  }
  return [...distinct.values()];
}

/**
 * The alternatives as security requirements. A route no scope admits still asks for a token
 * (the guard answers 401 without one, 403 or 405 with one), and says so with
 * `x-grantkit-no-scope-admits`, since an empty list of alternatives would read as "no security".
 */
function security(route: GuardedRoute, alternatives: readonly string[][]): readonly SecurityRequirement[] {
  const schemes = route.namesGrant ? ['bearerToken', 'apiKey'] : ['bearerToken'];
  const sets = alternatives.length === 0 ? [[]] : alternatives;
  return sets.flatMap((scopes) => schemes.map((scheme) => ({ [scheme]: scopes })));
}

function describe(route: GuardedRoute, alternatives: readonly string[][]): string {
  if (!route.guarded) return 'Not guarded by grantkit.';
  if (alternatives.length === 0) return 'Guarded by grantkit; no scope admits this method on this path.';
  if (route.requirements.length === 0) return 'Guarded by grantkit: any valid token.';
  const sets = alternatives.map((set) => set.join(' + '));
  return `Guarded by grantkit: a token holding ${sets.join(', or ')} (or a scope that implies it).`;
}

const HEALTH_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['status', 'degraded', 'store', 'invalidation'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    degraded: { type: 'boolean', description: "True while the store's invalidation channel is down and the grant cache steps aside." },
    store: {
      type: 'object',
      required: ['reachable', 'latencyMs'],
      properties: { reachable: { type: 'boolean' }, latencyMs: { type: 'number' } },
    },
    invalidation: {
      type: 'object',
      required: ['state', 'cacheServing'],
      properties: { state: { type: 'string', enum: ['subscribed', 'down', 'none'] }, cacheServing: { type: 'boolean' } },
    },
  },
};

/** A route that serves `gk.health()`: public, 200 with the report while the store answers, 503 when it does not. */
function healthOperation(route: GuardedRoute, operationId: string, error: ResponseOrRef): Operation {
  return {
    operationId,
    summary: `${route.method} ${route.path}`,
    description: "grantkit's health report: whether the store answers within storeTimeoutMs, and the state of the cache's invalidation channel.",
    tags: ['app'],
    responses: {
      '200': { description: 'The store answers; `degraded` while the invalidation channel is down.', content: { 'application/json': { schema: HEALTH_SCHEMA } } },
      '503': error,
    },
  };
}

/** One of the app's routes as an operation; `path` is its OpenAPI path. */
export function appOperation(route: GuardedRoute, operationId: string): Operation {
  if (route.health === true && !route.guarded) {
    return healthOperation(route, operationId, { $ref: `#/components/responses/${ERROR_NAMES[familyOfPath(route.path)]}` });
  }
  const path = openApiPath(route.path);
  const error: ResponseOrRef = { $ref: `#/components/responses/${ERROR_NAMES[familyOfPath(route.path)]}` };
  const parameters = pathParameters(path);
  const alternatives = scopeAlternatives(route.requirements);
  return {
    operationId,
    summary: `${route.method} ${route.path}`,
    description: describe(route, alternatives),
    tags: ['app'],
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: { '200': { description: "The app's own answer." }, ...(route.guarded ? { '401': error, '403': error } : {}) },
    ...(route.guarded ? { security: security(route, alternatives) } : {}),
    ...(route.guarded && alternatives.length === 0 ? { 'x-grantkit-no-scope-admits': true } : {}),
  };
}
