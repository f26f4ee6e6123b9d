import type { Context, Middleware, Next } from 'koa';
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

declare module 'koa' {
  interface DefaultState {
    /** The grant the request's token resolved to; set by grantkit's resolve() or guards. */
    grant?: Grant;
  }
}

/**
 * With `throwErrors`, Koa's default handler clears headers set before a throw and then applies
 * `err.headers`, so WWW-Authenticate travels on the error, never on ctx.
 */
export type KoaAdapterOptions = AdapterOptions;
/** The same five names as grantkit/express, as Koa middleware (app.use or @koa/router); `ctx.state.grant` is set. */
export type KoaGrantKit = GrantKitMiddleware<Middleware>;

/** Remembers what resolve() found, so a later guard on the same request does not resolve again. */
const kOutcome = Symbol('grantkit.outcome');
type Tagged = Context & { [kOutcome]?: AuthOutcome };

function write(ctx: Context, r: SerializedResponse): void {
  ctx.status = r.status;
  ctx.set(r.headers);
  // Koa turns a null body into 204; an empty string keeps the 200 (v2 /oauth/revoke), and the
  // text/plain Koa adds for it goes, so the wire matches Express byte for byte.
  ctx.body = r.payload ?? '';
  if (r.payload === undefined) ctx.remove('Content-Type');
}

/** What Koa knows about a request, for the core to decide on; `ctx` is also the transport (ctx.secure honours `app.proxy`). */
function guardInput(ctx: Context): GuardInput {
  return {
    method: ctx.method,
    path: ctx.path,
    originalUrl: ctx.originalUrl,
    headers: ctx.req.headers,
    rawHeaders: ctx.req.rawHeaders,
    // @koa/router sets ctx.params for the middleware of a matched route.
    params: (ctx as { params?: Record<string, unknown> }).params,
    body: (ctx.request as { body?: unknown }).body,
    transport: ctx,
    // The framework's client address, under the app's own proxy settings (rate-limit keys).
    ip: ctx.ip,
  };
}

/** The Koa adapter: it translates, and all decisions stay in the core. */
export function grantkit(kit: GrantKit, options: KoaAdapterOptions = {}): KoaGrantKit {
  /** Whether resolve() was ever mounted: only then can a request carry its remembered outcome. */
  let resolving = false;
  const grantParams = grantParamNames(options.grantParam);
  const finish = (ctx: Context, next: Next, outcome: AuthOutcome): unknown => {
    if (!(outcome instanceof GrantkitError)) {
      ctx.state.grant = outcome;
      return next();
    }
    if (options.throwErrors) throw kit.throwable(outcome, ctx.originalUrl);
    write(ctx, kit.failure(outcome, ctx.originalUrl));
    return undefined;
  };

  // One layer: authentication and the scope check together, with no await when the store is synchronous.
  const guarded = (guardFor: (ctx: Context) => ScopeGuard | null | GrantkitError | undefined): Middleware =>
    function grantkitGuard(ctx, next) {
      const guard = guardFor(ctx);
      if (guard === undefined) return next();
      if (guard instanceof GrantkitError) return finish(ctx, next, guard);
      // Only read the tag when some resolve() exists: an absent symbol is looked up through the
      // request's whole prototype chain, a measurable cost on every guarded request.
      const prior = resolving ? (ctx as Tagged)[kOutcome] : undefined;
      const outcome = kit.authorizeRequest(guardInput(ctx), guard, prior, grantParams);
      return outcome instanceof Promise ? outcome.then((o) => finish(ctx, next, o)) : finish(ctx, next, outcome);
    };

  return {
    routes() {
      return async function grantkitRoutes(ctx, next) {
        const matched = kit.match(ctx.method, ctx.path);
        if (!matched) return next();
        const input = {
          method: ctx.method,
          path: ctx.path,
          query: ctx.querystring,
          headers: ctx.headers,
          secure: ctx.secure,
          ip: ctx.ip,
          // koa-bodyparser and @koa/bodyparser leave their result here; otherwise the core reads ctx.req.
          body: (ctx.request as { body?: unknown }).body,
          stream: ctx.req,
        };
        write(ctx, await kit.run(matched, input));
      };
    },
    resolve() {
      resolving = true;
      return function grantkitResolve(ctx, next) {
        const store = (o: AuthOutcome): unknown => {
          (ctx as Tagged)[kOutcome] = o;
          if (!(o instanceof GrantkitError)) ctx.state.grant = o;
          return next();
        };
        const outcome = kit.authenticateRequest(guardInput(ctx), grantParams);
        return outcome instanceof Promise ? outcome.then(store) : store(outcome);
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
      return guarded((ctx) => lookup(ctx.method, ctx.path, ctx.originalUrl));
    },
  };
}
