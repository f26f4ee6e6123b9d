import type { Middleware } from 'koa';
import type { GrantKitMiddleware } from '../../src/adapter.js';
import { withMarkOf } from '../../src/introspection/guarded-routes.js';
import { bindMethods, type Handlers } from './bind.js';
import type { AccessRule } from './rules.js';

/**
 * Turns a decorated controller instance into Koa middleware, one per method: the method's guard
 * (compiled once, here) and the method in a single layer, so `ctx.state.grant` is set when it runs.
 *
 * @example
 * const contacts = koaController(grantkit(kit), new Contacts());
 * router.get('/contacts', contacts.list);
 */
export function koaController<T extends object>(gk: GrantKitMiddleware<Middleware>, instance: T): Handlers<T, Middleware> {
  return bindMethods(instance, (rule, method) => handler(gk, rule, method));
}

function handler(gk: GrantKitMiddleware<Middleware>, rule: AccessRule, method: (...args: unknown[]) => unknown): Middleware {
  if (rule.kind === 'public') return (ctx, next) => method(ctx, next);
  const guard = rule.mode === 'any' ? gk.requireScopes(...rule.scopes) : gk.requireAllScopes(...rule.scopes);
  // The guard calls this in place of `next` when the grant passes; the method keeps the real next.
  // Marked as its guard is, so guardedRoutes() sees the method's scopes on the route.
  return withMarkOf<Middleware>(function grantkitController(ctx, next) {
    return guard(ctx, async () => method(ctx, next));
  }, guard);
}
