import type { Route } from './route.js';

/**
 * A route that checks a client secret (or API key) runs under the per-IP secret limit: over it, 429
 * before the secret is looked at; a wrong secret counts (limits/rate-limits.ts).
 */
export function secretLimited(route: Route): Route {
  return { ...route, handler: (ctx) => ctx.kit.limits.secret(ctx.req.ip, () => route.handler(ctx)) };
}
