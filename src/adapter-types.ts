/**
 * The types every framework entry point (grantkit/express, grantkit/koa) offers beside its
 * middleware: what routes() takes, what guardedRoutes(), openapi(), scopeReport() and health() answer.
 * Listed once, so the entry points cannot drift apart.
 */
export type { RouteFamilyName, RoutesOptions } from './routes/families.js';
export type { GrantKitMount, GuardedRoute, GuardedRoutes, ScopeRequirement } from './introspection/guarded-routes.js';
export type { OpenApiOptions } from './openapi/document.js';
export type { OpenApiDocument } from './openapi/types.js';
export type { ScopeReport } from './advisor/report.js';
export type { HealthReport } from './kit/health.js';
