import type { IncomingMessage, ServerResponse } from 'node:http';
import { GrantKitError } from './errors/error.js';
import { renderGuardError, withRenderedBody } from './errors/formats.js';
import type { Grant } from './grants/grant.js';
import { grantParamNames } from './grants/ownership.js';
import type { GuardMode, ScopeGuard } from './guard.js';
import { serialize, type SerializedResponse } from './http/serialize.js';
import type { TransportLike } from './http/transport.js';
import { kitScopeReport } from './advisor/kit-report.js';
import { ownMark, registerReporter } from './advisor/reporters.js';
import { findGuardedRoutes, markMiddleware, type GrantKitMount, type GuardedRoutes, type MiddlewareMark, type StackLayer } from './introspection/guarded-routes.js';
import type { AuthOutcome, GrantKit, GuardInput, RouteInput } from './kit.js';
import { healthResponse } from './kit/health.js';
import { mountedFamilies, mountedRoutes, type RouteFamilyName } from './routes/families.js';
import type { Route } from './routes/route.js';
import { V2_ENDPOINT_SCOPES } from './scopes/gating.js';
import type { AdapterOptions, GrantKitMiddleware } from './middleware.js';
import type { MaybePromise } from './store/store.js';

/**
 * What every framework adapter shares: the five middleware, the outcome resolve() remembers on a
 * request, and how a result becomes a response. Internal: adapters import it by relative path,
 * and each one only says how its framework reads a request and writes a response (a
 * FrameworkBinding). Nothing here imports a framework.
 */

export type * from './adapter-types.js';
export type { AdapterOptions, GrantKitMiddleware } from './middleware.js';

/**
 * A framework's handle on one request (Express `req`, Koa `ctx`): both carry these under the same
 * names, and both are the transport the HTTPS rule reads (`secure` honours the app's proxy setting).
 */
export interface RequestHandle extends TransportLike {
  readonly method: string;
  /** The path relative to where the middleware is mounted. */
  readonly path: string;
  /** The whole request target, mount prefix and query included. */
  readonly originalUrl: string;
  /** The client address under the app's own proxy settings (rate-limit keys). */
  readonly ip?: string | undefined;
  readonly secure: boolean;
  /** The route's parameters once the framework has matched a route (@koa/router sets ctx.params). */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
}

/** How one framework reads a request and answers it; an adapter is one of these and nothing more. */
export interface FrameworkBinding<C extends RequestHandle, N extends () => unknown, M> {
  /** Node's request under the handle (Express: `req` itself; Koa: `ctx.req`). */
  node(cx: C): IncomingMessage;
  /** What the host app's body parser left, if one ran. */
  body(cx: C): unknown;
  /**
   * The body's text as a parser kept it beside its result, when it does (koa-bodyparser and
   * @koa/bodyparser keep `ctx.request.rawBody`): grantkit's routes read that rather than what the
   * parser made of it, so a parser's way with dots or arrays in form names cannot change an answer.
   */
  rawBody?(cx: C): string | undefined;
  /** The raw query string, without `?`. */
  query(cx: C): string;
  /** Sets the grant where the app reads it (`req.grant`, `ctx.state.grant`). */
  setGrant(cx: C, grant: Grant): void;
  write(cx: C, r: SerializedResponse): void;
  /** Hands an error to the framework's own error handling (Express `next(err)`, a throw on Koa). */
  raise(err: unknown, next: N): unknown;
  /** The framework's middleware that runs `step`, named as `step` is. */
  mount(step: (cx: C, next: N) => unknown): M;
  /** The app's middleware stack in the neutral form guardedRoutes() walks; absent where a framework has none to read. */
  stack?(app: object): readonly StackLayer[];
}

/**
 * What resolve() found, per request handle, so a later guard on the same request does not resolve
 * again. Weak: it goes with the request.
 */
const remembered = new WeakMap<object, AuthOutcome>();

/** The five middleware over one framework binding. */
export function adapt<C extends RequestHandle, N extends () => unknown, M>(
  kit: GrantKit,
  options: Readonly<AdapterOptions>,
  binding: FrameworkBinding<C, N, M>,
): GrantKitMiddleware<M> {
  const core = new AdapterCore(kit, options, binding);
  /** The families every routes() of this adapter mounted, for a document made without the app. */
  const mounted = new Set<RouteFamilyName>();
  // Each middleware carries what it does (introspection/guarded-routes.ts), so guardedRoutes() can
  // read an app, and each mark leads back to this instance, so `npx grantkit scopes` can too.
  const mark = <T>(middleware: T, what: MiddlewareMark): T => markMiddleware(middleware, ownMark(what, () => gk));
  const scopeGuard = (mode: GuardMode, scopes: readonly string[]): M => {
    const guard = kit.guard(mode, scopes);
    return mark(core.guardMiddleware(() => guard), { kind: 'scopes', mode, scopes: guard.scopes });
  };
  const gk: GrantKitMiddleware<M> = {
    routes(routesOptions) {
      const middleware = core.routes(mountedRoutes(routesOptions));
      const families = mountedFamilies(routesOptions);
      for (const family of families) mounted.add(family);
      return mark(middleware, { kind: 'routes', families });
    },
    resolve: () => core.resolve(),
    requireScopes: (...scopes) => scopeGuard('any', scopes),
    requireAllScopes: (...scopes) => scopeGuard('all', scopes),
    gate(rules) {
      const lookup = kit.gate(rules);
      const middleware = core.guardMiddleware((cx) => lookup(cx.method, cx.path, cx.originalUrl));
      return mark(middleware, { kind: 'gate', rules: rules ?? V2_ENDPOINT_SCOPES });
    },
    guardedRoutes,
    async openapi(documentOptions = {}) {
      const found = documentOptions.app === undefined ? undefined : guardedRoutes(documentOptions.app);
      const fallback: GrantKitMount = { prefix: documentOptions.prefix ?? '/', families: [...mounted] };
      const mounts = found !== undefined && found.grantkit.length > 0 ? found.grantkit : [fallback];
      // Loaded when asked for: it imports every route's input schema, which importing grantkit does not.
      const { openApiDocument } = await import('./openapi/document.js');
      return openApiDocument({ mounts, routes: found?.routes ?? [], options: documentOptions });
    },
    scopeReport: async (app) => kitScopeReport(kit, guardedRoutes(app)),
    health: () => mark(core.health(), { kind: 'health' }),
  };
  registerReporter(gk, binding.stack);
  return gk;

  function guardedRoutes(app: object): GuardedRoutes {
    if (binding.stack === undefined) throw new TypeError("grantkit: this adapter cannot read an app's routes");
    return findGuardedRoutes(binding.stack(app), grantParamNames(options.grantParam));
  }
}

/**
 * What a guard finds for a request: its scope guard, `null` (any valid token passes), an error to
 * answer at once, or undefined (not guarded: pass through).
 */
type GuardFor<C> = (cx: C) => ScopeGuard | null | GrantKitError | undefined;

/** The middleware steps of one adapter instance, over its binding. */
class AdapterCore<C extends RequestHandle, N extends () => unknown, M> {
  /** Whether resolve() was ever mounted: only then can a request carry its remembered outcome. */
  #resolving = false;
  readonly #kit: GrantKit;
  readonly #b: FrameworkBinding<C, N, M>;
  readonly #grantParams: readonly string[];
  readonly #throwErrors: boolean;

  constructor(kit: GrantKit, options: Readonly<AdapterOptions>, binding: FrameworkBinding<C, N, M>) {
    this.#kit = kit;
    this.#b = binding;
    this.#grantParams = grantParamNames(options.grantParam);
    this.#throwErrors = Boolean(options.throwErrors);
  }

  /** `mounted`: the routes to serve, when not all of them. */
  routes(mounted: ReadonlySet<Route> | undefined): M {
    const grantkitRoutes = (cx: C, next: N): unknown => {
      const matched = this.#kit.match(cx.method, cx.path, mounted);
      if (!matched) return next();
      return this.#kit.run(matched, this.#routeInput(cx)).then(
        (r) => this.#b.write(cx, r),
        (e: unknown) => this.#b.raise(e, next),
      );
    };
    return this.#b.mount(grantkitRoutes);
  }

  /** Answers every request it gets with the kit's health report: mounted on a route by the app. */
  health(): M {
    const grantkitHealth = (cx: C, next: N): unknown =>
      this.#kit.health().then(
        (report) => this.#b.write(cx, healthResponse(report, cx.originalUrl)),
        (e: unknown) => this.#b.raise(e, next),
      );
    return this.#b.mount(grantkitHealth);
  }

  resolve(): M {
    this.#resolving = true;
    const grantkitResolve = (cx: C, next: N): unknown => {
      const outcome = this.#kit.authenticateRequest(this.#input(cx), this.#grantParams);
      if (!(outcome instanceof Promise)) return this.#remember(cx, next, outcome);
      return outcome.then((o) => this.#remember(cx, next, o), (e: unknown) => this.#b.raise(e, next));
    };
    return this.#b.mount(grantkitResolve);
  }

  /** One layer: authentication and the scope check together, synchronous when the store is. */
  guardMiddleware(guardFor: GuardFor<C>): M {
    const grantkitGuard = (cx: C, next: N): unknown => {
      const guard = guardFor(cx);
      if (guard === undefined) return next();
      if (guard instanceof GrantKitError) return this.#settle(cx, next, this.#kit.refuseRequest(this.#input(cx), guard));
      // Only look when some resolve() was mounted: most apps mount none.
      const prior = this.#resolving ? remembered.get(cx) : undefined;
      return this.#settle(cx, next, this.#kit.authorizeRequest(this.#input(cx), guard, prior, this.#grantParams));
    };
    return this.#b.mount(grantkitGuard);
  }

  /** Finishes on a verdict, at once when it is synchronous (the memory and SQLite stores). */
  #settle(cx: C, next: N, outcome: MaybePromise<AuthOutcome>): unknown {
    if (!(outcome instanceof Promise)) return this.#finish(cx, next, outcome);
    return outcome.then((o) => this.#finish(cx, next, o), (e: unknown) => this.#b.raise(e, next));
  }

  /** A guard's verdict: the grant set and on to the next middleware, or the error answered or raised. */
  #finish(cx: C, next: N, outcome: AuthOutcome): unknown {
    if (!(outcome instanceof GrantKitError)) {
      this.#b.setGrant(cx, outcome);
      return next();
    }
    if (this.#throwErrors) return this.#b.raise(withRenderedBody(outcome, cx.originalUrl), next);
    this.#b.write(cx, guardFailure(outcome, cx.originalUrl));
    return undefined;
  }

  /** resolve()'s outcome, kept on the request for the guards after it: a good grant is set, an error left to them. */
  #remember(cx: C, next: N, outcome: AuthOutcome): unknown {
    remembered.set(cx, outcome);
    if (!(outcome instanceof GrantKitError)) this.#b.setGrant(cx, outcome);
    return next();
  }

  #input(cx: C): GuardInput {
    return requestInput(cx, this.#b.node(cx), this.#b.body(cx));
  }

  /** A request for one of grantkit's own routes: the body as the host app parsed it, or left in the stream. */
  #routeInput(cx: C): RouteInput {
    const node = this.#b.node(cx);
    return {
      method: cx.method,
      path: cx.path,
      query: this.#b.query(cx),
      headers: node.headers,
      secure: cx.secure,
      ip: cx.ip,
      body: this.#b.rawBody?.(cx) ?? this.#b.body(cx),
      stream: node,
    };
  }
}

/** What the framework knows about a request, for a guard, `gate()` or `resolve()` to decide on. */
export function requestInput(cx: RequestHandle, node: IncomingMessage, body: unknown): GuardInput {
  return new HandleInput(cx, node, body);
}

/**
 * A GuardInput over a framework's handle. Every read of a property of Express's `req` misses V8's
 * inline caches (Express gives each request's `req` a hidden class of its own when it swaps its
 * prototype), about 3,000 instructions a read, so the method and the path, which a guard only
 * needs when it reports a decision, are read then and not before. The client address is left to
 * `transport.ip` for the same reason: Express derives `req.ip` from its trust-proxy setting on
 * every read. A class, not an object literal with accessors: its instances share one hidden
 * class, and a literal with an accessor gets a map of its own that outlives the next scavenge.
 */
class HandleInput implements GuardInput {
  readonly originalUrl: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawHeaders: readonly string[];
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly body: unknown;
  readonly transport: RequestHandle;

  constructor(cx: RequestHandle, node: IncomingMessage, body: unknown) {
    this.originalUrl = cx.originalUrl;
    this.headers = node.headers;
    this.rawHeaders = node.rawHeaders;
    this.params = cx.params;
    this.body = body;
    this.transport = cx;
  }

  get method(): string {
    return this.transport.method;
  }

  get path(): string {
    return this.transport.path;
  }
}

/** A guard's or resolve()'s error as the response, in the format of the app route it protects. */
export function guardFailure(err: GrantKitError, url: string): SerializedResponse {
  return serialize(renderGuardError(err, url));
}

/** Writes a response onto Node's own response object (Express's `res`; passport writes through it too). */
export function writeServerResponse(res: ServerResponse, r: SerializedResponse): void {
  res.statusCode = r.status;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.end(r.payload);
}
