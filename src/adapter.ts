import type { EndpointRule } from './scopes/gating.js';

/**
 * The five names every framework adapter offers, generic over that framework's middleware type,
 * so grantkit/express and grantkit/koa cannot drift apart.
 */
export interface GrantKitMiddleware<M> {
  /** grantkit's own routes (/connect/*, /oauth/*, /v3/connect/*, /v3/grants, /account, /a/*, …). */
  routes(): M;
  /** Attaches the grant when the token is good; leaves it unset otherwise and lets a guard decide. */
  resolve(): M;
  /** Passes when the grant satisfies at least one of the scopes (the hierarchy included). */
  requireScopes(...scopes: string[]): M;
  /** Passes when the grant satisfies every one of the scopes. */
  requireAllScopes(...scopes: string[]): M;
  /**
   * Guards every route the endpoint table lists (default: the v2 table), in any case, with or
   * without a trailing slash, HEAD as GET; refuses a method the table does not list on a path it
   * lists (405, OPTIONS aside); passes the rest through.
   */
  gate(rules?: readonly EndpointRule[]): M;
}

export interface AdapterOptions {
  /**
   * Hand guard failures to the app's own error handling (Express `next(err)`, a throw on Koa)
   * as a GrantkitError with status, headers, expose and the rendered body, instead of answering.
   */
  readonly throwErrors?: boolean;
  /**
   * The route parameter that names a grant in the app's routes, when it is not `grant`,
   * `grant_id` or `grantId` (those are always read). A guard on a route with that parameter lets
   * an access token through only for its own grant.
   */
  readonly grantParam?: string | readonly string[];
}
