import { ScopeSolver, type LeastPrivilege, type RouteNeed, type ScopeCheck } from '../scopes/least-privilege.js';
import type { ScopeGraph } from '../scopes/graph.js';
import { PROVIDER_CANDIDATES, type ScopeProvider } from '../scopes/provider-candidates.js';
import { connectorAdvice, defaultScopesWarnings, type ConnectorAdvice, type ConnectorDefaults, type ScopeWarning, type Solvers } from './warnings.js';

export type { ConnectorAdvice, ConnectorDefaults, ScopeWarning, WarningSubject } from './warnings.js';

/** One of the app's routes and every scope requirement in front of it. */
export interface GuardedRouteNeed {
  readonly method: string;
  readonly path: string;
  readonly requirements: RouteNeed;
}

/**
 * How a route is reached: with a scope (`scopes`), with any valid token (`token`), by no token at
 * all (`closed`: a table row no scope admits), or only with a provider's own scope, which no Nylas
 * scope implies (`provider`).
 */
export type RouteAccess = 'scopes' | 'token' | 'closed' | 'provider';

export interface RouteScopes {
  readonly method: string;
  readonly path: string;
  readonly access: RouteAccess;
  /** The guards in front of the route, in the order they run. */
  readonly requirements: readonly ScopeCheck[];
  /** Every smallest set of Nylas scopes that satisfies the route, the least privileged first. */
  readonly satisfiedBy: readonly (readonly string[])[];
}

/**
 * What an app's routes need, and what to ask for: `gk.scopeReport(app)` and
 * `npx grantkit scopes <module>`.
 */
export interface ScopeReport {
  readonly routes: readonly RouteScopes[];
  /** The least-privileged set of Nylas scopes that satisfies every route, and what it implies. */
  readonly nylas: LeastPrivilege;
  /** The same over each provider's own scopes: what a connector of that provider should ask for. */
  readonly providers: Readonly<Record<ScopeProvider, LeastPrivilege>>;
  /** Each connector the kit has: its default scopes and the ones that would do. */
  readonly connectors: readonly ConnectorAdvice[];
  /** Default scopes wider than the routes need, or too narrow for some of them. */
  readonly warnings: readonly ScopeWarning[];
}

/** What the report reads besides the routes: the kit's scope graph and default scopes, and its connectors. */
export interface ScopeReportInputs {
  readonly graph: ScopeGraph;
  /** The scopes a sign-in gets when it asks for none (the `defaultScopes` option). */
  readonly defaultScopes: readonly string[];
  readonly connectors: readonly ConnectorDefaults[];
}

/** The solvers of one graph, built once per report. */
function solversOf(graph: ScopeGraph): Solvers {
  const google = new ScopeSolver(graph, PROVIDER_CANDIDATES.google);
  const microsoft = new ScopeSolver(graph, PROVIDER_CANDIDATES.microsoft);
  return { nylas: new ScopeSolver(graph), providers: { google, microsoft } };
}

/** The report of a list of guarded routes (each route once, in the order given). */
export function buildScopeReport(routes: readonly GuardedRouteNeed[], inputs: ScopeReportInputs): ScopeReport {
  const solvers = solversOf(inputs.graph);
  const needs = routes.map((r) => r.requirements);
  const nylas = solvers.nylas.leastPrivilege(needs);
  const providers = { google: solvers.providers.google.leastPrivilege(needs), microsoft: solvers.providers.microsoft.leastPrivilege(needs) };
  const best = { nylas, providers };
  return {
    routes: routes.map((r) => routeScopes(r, solvers.nylas)),
    nylas,
    providers,
    connectors: inputs.connectors.map((c) => connectorAdvice(c, best)),
    warnings: defaultScopesWarnings(routes, inputs, solvers, best),
  };
}

function routeScopes(route: GuardedRouteNeed, solver: ScopeSolver): RouteScopes {
  const satisfiedBy = solver.alternatives(route.requirements);
  return { method: route.method, path: route.path, access: accessOf(route.requirements, satisfiedBy), requirements: route.requirements, satisfiedBy };
}

function accessOf(need: RouteNeed, satisfiedBy: readonly (readonly string[])[]): RouteAccess {
  if (need.some((r) => r.mode === 'any' && r.scopes.length === 0)) return 'closed';
  if (satisfiedBy.length === 0) return 'provider';
  return satisfiedBy.length === 1 && satisfiedBy[0]!.length === 0 ? 'token' : 'scopes';
}
