// The public face of an adapter: the middleware it makes and what it can read of an app.
import type { ScopeReport } from './advisor/report.js';
import type { GuardedRoutes } from './introspection/guarded-routes.js';
import type { OpenApiOptions } from './openapi/document.js';
import type { OpenApiDocument } from './openapi/types.js';
import type { RoutesOptions } from './routes/families.js';
import type { EndpointRule } from './scopes/gating.js';
import type { ScopeArgument } from './scopes/scope-names.js';

/**
 * What every framework adapter offers (the middleware, and what it reads of an app), generic over that framework's middleware type,
 * so grantkit/express and grantkit/koa cannot drift apart.
 */
export interface GrantKitMiddleware<M> {
  /**
   * grantkit's own routes (/connect/*, /oauth/*, /v3/connect/*, /v3/grants, /account, /a/*, …);
   * with `only`, the routes of those families alone (docs/routes.md lists them).
   */
  routes(options?: RoutesOptions): M;
  /** Attaches the grant when the token is good; leaves it unset otherwise and lets a guard decide. */
  resolve(): M;
  /**
   * Passes when the grant satisfies at least one of the scopes (the hierarchy included). A scope
   * written as a literal must be one grantkit knows, or the app does not compile.
   */
  requireScopes<S extends string>(...scopes: ScopeArgument<S>[]): M;
  /** Passes when the grant satisfies every one of the scopes. */
  requireAllScopes<S extends string>(...scopes: ScopeArgument<S>[]): M;
  /**
   * Guards every route the endpoint table lists (default: the v2 table), in any case, with or
   * without a trailing slash, HEAD as GET; refuses a method the table does not list on a path it
   * lists (405, OPTIONS aside); passes the rest through.
   */
  gate(rules?: readonly EndpointRule[]): M;
  /**
   * The app's routes, each with the grantkit guards in front of it and the scopes they require,
   * and where grantkit's own routes are mounted, read from the app's middleware stack (an Express
   * 4/5 app or router, a Koa app or @koa/router router).
   */
  guardedRoutes(app: object): GuardedRoutes;
  /**
   * The OpenAPI 3.1 document of grantkit's routes this adapter mounted (their families, at their
   * mount path) and, given `app`, of the app's own routes with the scopes each requires as
   * `security`. It loads the route modules the first time (docs/openapi.md).
   */
  openapi(options?: OpenApiOptions): Promise<OpenApiDocument>;
  /**
   * What the app's guarded routes need: each route with the scope sets that satisfy it, the
   * least-privileged Nylas, Google and Microsoft scopes for all of them, and warnings when the
   * kit's or a connector's default scopes are wider or narrower than that (docs/scope-advisor.md).
   */
  scopeReport(app: object): Promise<ScopeReport>;
  /**
   * A handler that answers `kit.health()`: 200 with the report (and `degraded: true` while the
   * store's invalidation channel is down and the cache steps aside), 503 with `Retry-After: 1` in
   * the path's error format when the store does not answer within `storeTimeoutMs`. Mount it on a
   * route, unguarded: `app.get('/healthz', gk.health())`, `router.get('/healthz', gk.health())`.
   */
  health(): M;
}

export interface AdapterOptions {
  /**
   * Hand guard failures to the app's own error handling (Express `next(err)`, a throw on Koa)
   * as a GrantKitError with status, headers, expose and the rendered body, instead of answering.
   */
  readonly throwErrors?: boolean;
  /**
   * The route parameter that names a grant in the app's routes, when it is not `grant`,
   * `grant_id` or `grantId` (those are always read). A guard on a route with that parameter lets
   * an access token through only for its own grant.
   */
  readonly grantParam?: string | readonly string[];
}
