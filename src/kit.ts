import { misplacedCredential, queryOf } from './auth/placement.js';
import type { ApiKeys } from './apikeys.js';
import { Decisions } from './audit/decisions.js';
import type { Connectors } from './connectors/connectors.js';
import type { Keyring } from './crypto/keyring.js';
import { GrantKitError } from './errors/error.js';
import type { GrantEvents } from './events/events.js';
import { expireGrant } from './grants/lifecycle.js';
import { DEFAULT_GRANT_PARAMS, grantsNamed } from './grants/ownership.js';
import { type GuardMode, ScopeGuard } from './guard.js';
import type { SerializedResponse } from './http/serialize.js';
import type { TransportLike } from './http/transport.js';
import type { AppCaller, AuthOutcome } from './kit/authentication.js';
import { createKitContext, type KitContext } from './kit/context.js';
import type { HealthReport } from './kit/health.js';
import { compileGate, type GateLookup } from './kit/gate.js';
import type { GuardInput, RouteInput } from './kit/inputs.js';
import { type GrantKitOptions, resolveOptions } from './kit/options.js';
import { runRoute } from './kit/run-route.js';
import type { HostedOAuth } from './oauth/hosted.js';
import type { RateLimits } from './limits/rate-limits.js';
import type { ProviderAccessToken, ProviderServerSettings } from './providers/access.js';
import type { Route } from './routes/route.js';
import { buildRouteTable, type MatchedRoute } from './routes/table.js';
import { type EndpointRule, V2_ENDPOINT_SCOPES } from './scopes/gating.js';
import type { ScopeArgument } from './scopes/scope-names.js';
import type { MaybePromise, Store } from './store/store.js';

export type { AppCaller, AuthOutcome } from './kit/authentication.js';
export type { GuardInput, RouteInput } from './kit/inputs.js';
export type { HealthReport } from './kit/health.js';

/**
 * The framework-agnostic core, as apps and adapters see it: a small facade over the kit context
 * (kit/context.ts), which the core's parts share. Adapters turn requests into GuardInput and
 * RouteInput, call these methods, and write the descriptors back; nothing here knows Express or Koa.
 */
/** Each kit's context, for grantkit's own adapters, tests and benchmarks (kitContext()). */
const contexts = new WeakMap<GrantKit, KitContext>();

export class GrantKit {
  readonly #ctx: KitContext;
  /** grantkit's own routes, built for this kit. */
  readonly #routes = buildRouteTable();
  /** Where guard verdicts go when an audit trail or a metrics SDK wants them. */
  readonly #decisions: Decisions;

  constructor(options: GrantKitOptions) {
    this.#ctx = createKitContext(resolveOptions(options));
    this.#decisions = new Decisions(this.#ctx.audit, this.#ctx.telemetry);
    contexts.set(this, this.#ctx);
  }

  /** The store as the kit uses it: behind the cache when one is configured, every call bounded by the store timeout. */
  get store(): Store {
    return this.#ctx.store;
  }
  /** The keys that seal provider credentials. */
  get keyring(): Keyring {
    return this.#ctx.keyring;
  }
  /** Grant lifecycle events: `kit.events.on('grant.created', e => ...)`. */
  get events(): GrantEvents {
    return this.#ctx.events;
  }
  /** v3 API keys: create (shown once), list, revoke, import. */
  get apiKeys(): ApiKeys {
    return this.#ctx.apiKeys;
  }
  /** Connectors and their credentials (the model hosted OAuth shares). */
  get connectors(): Connectors {
    return this.#ctx.connectors;
  }
  /** Hosted OAuth: settings, the id_token signer (`/.well-known/jwks.json`) and the per-connector strategies. */
  get hosted(): HostedOAuth {
    return this.#ctx.hosted;
  }
  /** Brute-force limits on credentials, counted where the store keeps its data. */
  get limits(): RateLimits {
    return this.#ctx.limits;
  }
  /** The realm of every `WWW-Authenticate` challenge. */
  get realm(): string {
    return this.#ctx.options.realm;
  }
  /** The scopes a sign-in gets when it asks for none. */
  get defaultScopes(): readonly string[] {
    return this.#ctx.options.defaultScopes;
  }

  now(): number {
    return this.#ctx.now();
  }

  /** Whether the store answers, and the invalidation channel's state (see HealthReport); served by `gk.health()`. */
  health(): Promise<HealthReport> {
    return this.#ctx.health();
  }

  /**
   * Resolves once start-up work is done: the cache's subscription to store broadcasts (until then
   * grantkit's routes and guards answer 503 with `Retry-After: 1`), and the loading of
   * `@opentelemetry/api` when it is installed (spans and metrics start from then on).
   */
  async ready(): Promise<void> {
    await Promise.all([this.#ctx.readiness.ready, this.#ctx.telemetry.loaded]);
  }

  /**
   * Stops listening for broadcasts, stops webhook delivery (an attempt in flight is cut short and
   * stays queued, due at once for another instance or the next start), and closes the store.
   */
  async close(): Promise<void> {
    await this.#ctx.readiness.stop();
    await this.#ctx.webhooks?.close();
    await this.#ctx.store.close?.();
  }

  /**
   * Resolves the Authorization header to a grant. Synchronous when the store answers synchronously
   * (memory, SQLite). `path` is the full request target: the grant it names (`…/grants/{grant}/…`,
   * under any prefix) is checked against the caller. Adapters use authenticateRequest(), which
   * also sees route parameters.
   */
  authenticate(authorization: string | string[] | undefined, path: string, transport?: TransportLike, ip?: string): MaybePromise<AuthOutcome> {
    return this.#authenticate(authorization, path, transport, ip, undefined);
  }

  #authenticate(
    authorization: string | string[] | undefined,
    path: string,
    transport: TransportLike | undefined,
    ip: string | undefined,
    hashed: ((hash: string) => void) | undefined,
  ): MaybePromise<AuthOutcome> {
    return this.#ctx.auth.bearer(authorization, { url: path, transport, naming: grantsNamed(path, undefined), client: ip === undefined ? undefined : { ip }, hashed });
  }

  /**
   * Authentication for a guard, `gate()` or `resolve()` on one of the app's routes, from what the
   * framework knows about the request. `grantParams` are the route parameters that name a grant.
   */
  authenticateRequest(req: GuardInput, grantParams: readonly string[] = DEFAULT_GRANT_PARAMS): MaybePromise<AuthOutcome> {
    return this.#authenticateRequest(req, grantParams, undefined);
  }

  #authenticateRequest(req: GuardInput, grantParams: readonly string[], hashed: ((hash: string) => void) | undefined): MaybePromise<AuthOutcome> {
    const misplaced = misplacedCredential(
      { authorization: req.headers.authorization, rawHeaders: req.rawHeaders, query: queryOf(req.originalUrl), body: req.body },
      this.#ctx.options.realm,
    );
    return this.#ctx.auth.bearer(req.headers.authorization, {
      url: req.originalUrl,
      transport: req.transport,
      naming: grantsNamed(req.originalUrl, req.params, grantParams),
      misplaced,
      // An adapter leaves `ip` unset and the address to the transport, to be read only if needed.
      client: req.ip !== undefined ? req : req.transport,
      hashed,
    });
  }

  /**
   * authenticateRequest() and a guard in one step. `prior` is what `resolve()` found earlier on
   * this request; it is reused unless the route's parameters name a grant, which resolve(),
   * running before routing, could not see.
   */
  authorizeRequest(
    req: GuardInput,
    guard: ScopeGuard | null,
    prior?: AuthOutcome,
    grantParams: readonly string[] = DEFAULT_GRANT_PARAMS,
  ): MaybePromise<AuthOutcome> {
    const reuse = prior !== undefined && !namesByParam(req.params, grantParams);
    if (this.#decisions.active) {
      const authenticate = (hashed: (hash: string) => void): MaybePromise<AuthOutcome> =>
        reuse ? prior : this.#authenticateRequest(req, grantParams, hashed);
      return this.#decisions.decide(authenticate, guard, req.method, req.originalUrl, req.headers.authorization);
    }
    return throughGuard(reuse ? prior : this.authenticateRequest(req, grantParams), guard);
  }

  /** A refusal gate() makes before authentication (a method the endpoint table does not list), reported as a verdict like any other. */
  refuseRequest(req: GuardInput, refusal: GrantKitError): MaybePromise<AuthOutcome> {
    return this.#decisions.active ? this.#decisions.decide(() => refusal, null, req.method, req.originalUrl, req.headers.authorization) : refusal;
  }

  /**
   * Authentication and the guard in one step, for adapters that want a single layer.
   * A null guard only authenticates (endpoint-table rows any token may use).
   */
  authorize(
    authorization: string | string[] | undefined,
    path: string,
    guard: ScopeGuard | null,
    transport?: TransportLike,
    ip?: string,
  ): MaybePromise<AuthOutcome> {
    if (this.#decisions.active) {
      return this.#decisions.decide((hashed) => this.#authenticate(authorization, path, transport, ip, hashed), guard, undefined, path, authorization);
    }
    return throughGuard(this.authenticate(authorization, path, transport, ip), guard);
  }

  /**
   * Authenticates an application-level v3 request (the grants, connectors and connect routes):
   * Bearer only, an API key or an access token.
   */
  authenticateApp(authorization: string | string[] | undefined, _transport?: TransportLike, ip?: string): Promise<AppCaller | GrantKitError> {
    return this.#ctx.auth.app(authorization, ip);
  }

  /**
   * Marks a grant invalid and emits `grant.expired`: call it when the provider refuses the
   * grant's credentials. Its tokens get 401 until the user re-authenticates.
   */
  async expireGrant(grantId: string): Promise<boolean> {
    return (await expireGrant(this.#ctx, grantId)) !== undefined;
  }

  /**
   * A fresh provider access token (Gmail, Graph...) for a grant, for the app's backend to call the
   * provider with: `await kit.providerAccessToken(req.grant.id)`. Refreshed with the grant's sealed
   * provider refresh token when the cached one is missing or within a minute of expiry; concurrent
   * callers share one refresh. The provider's `invalid_grant` marks the grant invalid (401
   * `provider_auth_failed`); a provider that cannot be reached leaves it valid (502 `provider_error`).
   */
  providerAccessToken(grantId: string): Promise<ProviderAccessToken> {
    return this.#ctx.providerAccess.accessToken(grantId);
  }

  /** The decrypted IMAP and SMTP settings of an IMAP-family grant (imap, yahoo, aol, icloud, hotmail, outlook). */
  providerSettings(grantId: string): Promise<ProviderServerSettings> {
    return this.#ctx.providerAccess.serverSettings(grantId);
  }

  /** Compiles a scope guard once; unknown scope names throw here, at start-up. */
  guard<S extends string>(mode: GuardMode, scopes: readonly ScopeArgument<S>[]): ScopeGuard {
    return new ScopeGuard(this.#ctx.graph, this.#ctx.options.realm, mode, scopes);
  }

  /**
   * Compiles an endpoint table (default: Nylas's v2 endpoint table) into a lookup from method and
   * path to the guard that protects it (kit/gate.ts).
   */
  gate(rules: readonly EndpointRule[] = V2_ENDPOINT_SCOPES): GateLookup {
    return compileGate(this.#ctx.graph, this.#ctx.options.realm, rules);
  }

  /**
   * Is this one of grantkit's own routes? Cheap for everything else (one Map read). `mounted`
   * limits the answer to those routes (`routes({ only })`); the rest are left to the app.
   */
  match(method: string, path: string, mounted?: ReadonlySet<Route>): MatchedRoute | undefined {
    return this.#routes.match(method, path, mounted);
  }

  /**
   * Runs a matched route. Reads the body when the route needs it and the host app has not parsed
   * it already. Never rejects: every failure becomes a response in the route's format.
   */
  run(matched: MatchedRoute, input: RouteInput): Promise<SerializedResponse> {
    return runRoute(this.#ctx, matched, input);
  }
}

/** Whether the route's own parameters name a grant. */
function namesByParam(params: Readonly<Record<string, unknown>> | undefined, names: readonly string[]): boolean {
  if (params === undefined) return false;
  for (const n of names) if (Object.hasOwn(params, n)) return true;
  return false;
}

/** An outcome through a guard: a null guard only authenticates. */
function throughGuard(outcome: MaybePromise<AuthOutcome>, guard: ScopeGuard | null): MaybePromise<AuthOutcome> {
  if (guard === null) return outcome;
  if (outcome instanceof Promise) return outcome.then((o) => checked(o, guard));
  return checked(outcome, guard);
}

function checked(outcome: AuthOutcome, guard: ScopeGuard): AuthOutcome {
  if (outcome instanceof GrantKitError) return outcome;
  return guard.check(outcome) ?? outcome;
}

/**
 * The context behind a kit: what grantkit's flows are called with. Internal (the package's entry
 * points do not export it); tests and benchmarks call the flows directly through it.
 */
export function kitContext(kit: GrantKit): KitContext {
  const ctx = contexts.get(kit);
  if (ctx === undefined) throw new TypeError('Not a GrantKit made by this copy of grantkit.');
  return ctx;
}

/** Creates the core from options, validated once. */
export function createGrantKit(options: GrantKitOptions): GrantKit {
  return new GrantKit(options);
}
