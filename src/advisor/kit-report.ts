import type { GuardedRoutes } from '../introspection/guarded-routes.js';
import { kitContext, type GrantKit } from '../kit.js';
import { buildScopeReport, type ScopeReport } from './report.js';

/**
 * The scope report of an app's routes as one kit sees them: its scope graph, the scopes a sign-in
 * gets when it asks for none, and the connectors it holds now (the app's and every client's).
 * Only guarded routes are reported: an open route needs no scope.
 */
export async function kitScopeReport(kit: GrantKit, found: GuardedRoutes): Promise<ScopeReport> {
  const connectors = await kit.connectors.list();
  const routes = found.routes.filter((r) => r.guarded).map((r) => ({ method: r.method, path: r.path, requirements: r.requirements }));
  return buildScopeReport(routes, {
    graph: kitContext(kit).graph,
    defaultScopes: kit.defaultScopes,
    connectors: connectors.map((c) => ({ provider: c.provider, owner: c.owner, defaultScopes: c.defaultScopes })),
  });
}
