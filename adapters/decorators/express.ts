import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GrantKitMiddleware } from '../../src/adapter.js';
import { withMarkOf } from '../../src/introspection/guarded-routes.js';
import { bindMethods, type Handlers } from './bind.js';
import type { AccessRule } from './rules.js';

/**
 * Turns a decorated controller instance into Express handlers, one per method: the method's guard
 * (compiled once, here) and the method in a single layer, so `req.grant` is set when it runs.
 *
 * @example
 * const contacts = expressController(grantkit(kit), new Contacts());
 * app.get('/contacts', contacts.list);
 */
export function expressController<T extends object>(gk: GrantKitMiddleware<RequestHandler>, instance: T): Handlers<T, RequestHandler> {
  return bindMethods(instance, (rule, method) => handler(gk, rule, method));
}

function handler(gk: GrantKitMiddleware<RequestHandler>, rule: AccessRule, method: (...args: unknown[]) => unknown): RequestHandler {
  const call = (req: Request, res: Response, next: NextFunction): void => {
    try {
      const out = method(req, res, next);
      // Express 4 ignores a rejected promise; hand it to next() as Express 5 would.
      if (out instanceof Promise) out.catch(next);
    } catch (e) {
      next(e);
    }
  };
  if (rule.kind === 'public') return call;
  const guard = rule.mode === 'any' ? gk.requireScopes(...rule.scopes) : gk.requireAllScopes(...rule.scopes);
  // Marked as its guard is, so guardedRoutes() sees the method's scopes on the route.
  return withMarkOf<RequestHandler>(function grantkitController(req, res, next) {
    const proceed = ((err?: unknown) => (err === undefined ? call(req, res, next) : next(err))) as NextFunction;
    void guard(req, res, proceed);
  }, guard);
}
