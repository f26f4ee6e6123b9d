import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  grantParamNames,
  GrantkitError,
  type AuthOutcome,
  type AdapterOptions,
  type GrantKitMiddleware,
  type Grant,
  type GrantKit,
  type GuardInput,
  type ScopeGuard,
  type SerializedResponse,
} from '../../src/index.js';

declare global {
  namespace Express {
    interface Request {
      /** The grant the request's token resolved to; set by grantkit's resolve() or guards. */
      grant?: Grant;
    }
  }
}

export type ExpressAdapterOptions = AdapterOptions;
/** `req.grant` is set by resolve() and the guards. */
export type ExpressGrantKit = GrantKitMiddleware<RequestHandler>;

/** Remembers what resolve() found, so a later guard on the same request does not resolve again. */
const kOutcome = Symbol('grantkit.outcome');
type Tagged = Request & { [kOutcome]?: AuthOutcome };

function write(res: Response, r: SerializedResponse): void {
  res.statusCode = r.status;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.end(r.payload);
}

/** What Express knows about a request, for the core to decide on; `req` is also the transport (req.secure honours `trust proxy`). */
function guardInput(req: Request): GuardInput {
  return {
    method: req.method,
    path: req.path,
    originalUrl: req.originalUrl,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    params: req.params as Record<string, unknown> | undefined,
    body: (req as { body?: unknown }).body,
    transport: req,
    // The framework's client address, under the app's own proxy settings (rate-limit keys).
    ip: req.ip,
  };
}

/** The Express adapter: it translates, and all decisions stay in the core. */
export function grantkit(kit: GrantKit, options: ExpressAdapterOptions = {}): ExpressGrantKit {
  /** Whether resolve() was ever mounted: only then can a request carry its remembered outcome. */
  let resolving = false;
  const grantParams = grantParamNames(options.grantParam);
  const finish = (req: Request, res: Response, next: NextFunction, outcome: AuthOutcome): void => {
    if (!(outcome instanceof GrantkitError)) {
      req.grant = outcome;
      return next();
    }
    if (options.throwErrors) return next(kit.throwable(outcome, req.originalUrl));
    write(res, kit.failure(outcome, req.originalUrl));
  };

  // One layer: authentication and the scope check together, synchronous when the store is.
  const guarded = (guardFor: (req: Request) => ScopeGuard | null | GrantkitError | undefined): RequestHandler =>
    function grantkitGuard(req, res, next) {
      const guard = guardFor(req);
      if (guard === undefined) return next();
      if (guard instanceof GrantkitError) return finish(req, res, next, guard);
      // Only read the tag when some resolve() exists: an absent symbol is looked up through the
      // request's whole prototype chain, a measurable cost on every guarded request.
      const prior = resolving ? (req as Tagged)[kOutcome] : undefined;
      const outcome = kit.authorizeRequest(guardInput(req), guard, prior, grantParams);
      if (outcome instanceof Promise) outcome.then((o) => finish(req, res, next, o), next);
      else finish(req, res, next, outcome);
    };

  return {
    routes() {
      return function grantkitRoutes(req, res, next) {
        const matched = kit.match(req.method, req.path);
        if (!matched) return next();
        const input = {
          method: req.method,
          path: req.path,
          query: req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '',
          headers: req.headers,
          secure: req.secure,
          ip: req.ip,
          body: (req as { body?: unknown }).body,
          stream: req,
        };
        kit.run(matched, input).then((r) => write(res, r), next);
      };
    },
    resolve() {
      resolving = true;
      return function grantkitResolve(req, _res, next) {
        const store = (o: AuthOutcome): void => {
          (req as Tagged)[kOutcome] = o;
          if (!(o instanceof GrantkitError)) req.grant = o;
          next();
        };
        const outcome = kit.authenticateRequest(guardInput(req), grantParams);
        if (outcome instanceof Promise) outcome.then(store, next);
        else store(outcome);
      };
    },
    requireScopes(...scopes) {
      const guard = kit.guard('any', scopes);
      return guarded(() => guard);
    },
    requireAllScopes(...scopes) {
      const guard = kit.guard('all', scopes);
      return guarded(() => guard);
    },
    gate(rules) {
      const lookup = kit.gate(rules);
      return guarded((req) => lookup(req.method, req.path, req.originalUrl));
    },
  };
}
