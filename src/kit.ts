import { accessTokenOf, plainBearer, readAuthorization } from './auth/credentials.js';
import { headerOnlyRoute, misplacedCredential, queryOf } from './auth/placement.js';
import { ClientRegistry } from './clients.js';
import { Keyring } from './crypto/keyring.js';
import { hashSecret } from './crypto/tokens.js';
import { GrantkitError, isGrantkitError } from './errors/error.js';
import { renderThrown } from './errors/formats.js';
import { CREDENTIALS_MESSAGE } from './errors/messages.js';
import { bearerChallenge } from './errors/challenges.js';
import type { Grant } from './grants/grant.js';
import { type GuardMode, ScopeGuard } from './guard.js';
import type { Readable } from 'node:stream';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parseBody, readBody } from './http/body.js';
import { serialize, type SerializedResponse } from './http/serialize.js';
import { compileEndpointTable, type EndpointRule, V2_ENDPOINT_SCOPES } from './scopes/gating.js';
import { foldedSegments, gateMethod, isV3Path, v3GrantsAt } from './http/path-shape.js';
import { type GrantKitOptions, resolveOptions } from './kit/options.js';
import type { NativeProvider } from './providers/provider.js';
import { ProviderAccess, type ProviderAccessToken, type ProviderServerSettings } from './providers/access.js';
import { buildRouteTable, type MatchedRoute } from './routes/table.js';
import { v2ScopeGraph, type ScopeGraph } from './scopes/graph.js';
import { type ScopeVocabulary, scopeVocabularyOf } from './scopes/vocabulary.js';
import type { Services } from './services.js';
import { storeUnavailable, withTimeout } from './store/fail-closed.js';
import { GrantCache } from './store/cache.js';
import { CachedStore } from './store/cached.js';
import type { GrantRecord, Resolved, TokenRecord } from './store/records.js';
import type { MaybePromise, Store } from './store/store.js';
import { ApiKeys } from './apikeys.js';
import { Connectors } from './connectors/connectors.js';
import { GrantEvents } from './events/events.js';
import { expireGrant } from './grants/lifecycle.js';
import { decideNaming, DEFAULT_GRANT_PARAMS, grantsNamed, type GrantNaming } from './grants/ownership.js';
import { grantNotFound } from './grants/errors.js';
import { grantMeta, recordedConnector } from './grants/sealed-settings.js';
import { TokenGrants } from './grants/token-scopes.js';
import { v3Grant } from './grants/v3-view.js';
import { type HttpsPolicy, httpsViolation, type TransportLike } from './http/transport.js';
import { ProviderDetector } from './providers/detect.js';
import type { AppCaller, V3Services } from './v3-services.js';
import { WebhookDelivery } from './webhooks/delivery.js';
import { HostedOAuth } from './oauth/hosted.js';
import { notReady } from './not-ready.js';
import { memoryLimiter } from './limits/backends.js';
import { RateLimits } from './limits/rate-limits.js';

/** What authentication gives: the grant, or the error to answer with. Errors are returned, not thrown, on the hot path. */
export type AuthOutcome = Grant | GrantkitError;

/**
 * The framework-agnostic core. Adapters turn requests into `RequestLike`, call these methods,
 * and write the descriptors back; nothing here knows Express or Koa.
 */
export class GrantKit implements Services, V3Services {
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clients: ClientRegistry;
  readonly providers: ReadonlyMap<string, NativeProvider>;
  readonly graph: ScopeGraph = v2ScopeGraph;
  readonly defaultScopes: readonly string[];
  readonly realm: string;
  /**
   * Provider tokens and server settings for the app's backend (providers/access.ts). It reads the
   * kit lazily, so it can be built before the constructor runs.
   */
  readonly providerAccess: ProviderAccess = new ProviderAccess(this);
  /** Grant lifecycle events: `kit.events.on('grant.created', e => ...)`. */
  readonly events: GrantEvents;
  /** v3 API keys: create (shown once), list, revoke, import. */
  readonly apiKeys: ApiKeys;
  /** Connectors and their credentials (the model hosted OAuth shares). */
  readonly connectors: Connectors;
  readonly detector: ProviderDetector;
  readonly providerTimeoutMs: number;
  readonly issuer: string;
  /** Hosted OAuth: settings, the id_token signer (`/.well-known/jwks.json`) and the per-connector strategies. */
  readonly hosted: HostedOAuth;
  /** Brute-force limits on credentials, counted where the store keeps its data (limits/rate-limits.ts). */
  readonly limits: RateLimits;
  readonly #https: HttpsPolicy;
  /** grantkit's own routes, built for this kit. */
  readonly #routes = buildRouteTable();
  /** The store itself, not the cache in front of it: what it holds, and its rate-limit counters. */
  readonly #raw: Store;
  readonly #clock: () => number;
  readonly #timeoutMs: number;
  readonly #onError: (e: unknown) => void;
  readonly #ready: Promise<void> = Promise.resolve();
  /** False until `#ready` settles: until then every request gets 503 with Retry-After (not-ready.ts). */
  #started = true;
  #unsubscribe: (() => Promise<void>) | undefined;
  /** The grant last compiled for a token record, with the grant record it was compiled from. */
  readonly #resolutions = new WeakMap<TokenRecord, GrantMemo>();
  /** The Grant objects requests act as, per stored record and token scope list (grants/token-scopes.ts). */
  readonly #grants: TokenGrants = new TokenGrants(this.graph, (record) => this.scopeVocabularyOf(record));
  readonly #missingChallenge: string;
  readonly #invalidChallenge: string;

  constructor(options: GrantKitOptions) {
    const o = resolveOptions(options);
    const store = o.store;
    this.#onError = o.onError;
    if (o.cache) {
      const cached = new CachedStore(store, new GrantCache(o.cache));
      this.#started = false;
      this.#ready = cached.attach(this.#onError).then((unsubscribe) => {
        this.#unsubscribe = unsubscribe;
        this.#started = true;
      });
      this.store = cached;
    } else {
      this.store = store;
    }
    this.keyring = new Keyring(o.secretKeys);
    this.clients = new ClientRegistry(o.clients);
    this.providers = new Map(o.providers.map((p) => [p.name, p]));
    this.defaultScopes = o.defaultScopes;
    this.realm = o.realm;
    this.#clock = o.clock;
    this.#timeoutMs = o.storeTimeoutMs;
    this.#missingChallenge = bearerChallenge(this.realm);
    this.#invalidChallenge = bearerChallenge(this.realm, 'invalid_token');
    this.#https = { required: o.requireHttps };
    this.events = new GrantEvents(this.#onError);
    const firstClient = o.clients[0]!.id;
    this.apiKeys = new ApiKeys(this.store, this.#clock, firstClient, (id) => this.clients.get(id) !== undefined);
    this.connectors = new Connectors({
      store: o.connectors,
      grants: this.store,
      keyring: this.keyring,
      now: this.#clock,
      events: this.events,
      endpoints: o.providerEndpoints,
      hasClient: (id) => this.clients.get(id) !== undefined,
    });
    this.providerTimeoutMs = o.providerTimeoutMs;
    this.detector = new ProviderDetector(o.providerLookup, this.providerTimeoutMs);
    this.issuer = o.issuer;
    this.hosted = new HostedOAuth(o.hostedOAuth);
    // The raw store, not the cache wrapper: it knows where its data lives.
    const raw: Store = store;
    this.#raw = raw;
    this.limits = new RateLimits(o.rateLimits, (spec) => raw.rateLimiter?.(spec) ?? memoryLimiter(spec), this.#timeoutMs);
    for (const endpoint of o.webhooks) this.events.on('*', new WebhookDelivery(endpoint, this.#onError).handle);
  }

  now(): number {
    return this.#clock();
  }

  /**
   * Resolves once start-up work (the cache's subscription to store broadcasts) is done. Until then
   * grantkit's routes and guards answer 503 with `Retry-After: 1`.
   */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Stops listening for broadcasts and closes the store. */
  async close(): Promise<void> {
    await this.#ready;
    await this.#unsubscribe?.();
    await this.store.close?.();
  }

  guarded<T>(call: Promise<T>): Promise<T> {
    return withTimeout(call, this.#timeoutMs);
  }

  /**
   * Resolves the Authorization header to a grant. Synchronous when the store answers synchronously
   * (memory, SQLite), so the common path costs a hash and two Map reads. `path` is the full
   * request target: the grant it names (`…/grants/{grant}/…`, under any prefix) is checked
   * against the caller. Adapters use authenticateRequest(), which also sees route parameters.
   */
  authenticate(
    authorization: string | string[] | undefined,
    path: string,
    transport?: TransportLike,
    ip?: string,
  ): MaybePromise<AuthOutcome> {
    return this.#authenticate(authorization, path, transport, grantsNamed(path, undefined), undefined, ip);
  }

  /**
   * Authentication for a guard, `gate()` or `resolve()` on one of the app's routes, from what the
   * framework knows about the request. `grantParams` are the route parameters that name a grant
   * (grantParamNames()).
   */
  authenticateRequest(req: GuardInput, grantParams: readonly string[] = DEFAULT_GRANT_PARAMS): MaybePromise<AuthOutcome> {
    const misplaced = misplacedCredential(
      { authorization: req.headers.authorization, rawHeaders: req.rawHeaders, query: queryOf(req.originalUrl), body: req.body },
      this.realm,
    );
    return this.#authenticate(req.headers.authorization, req.originalUrl, req.transport, grantsNamed(req.originalUrl, req.params, grantParams), misplaced, req.ip);
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
    const outcome =
      prior !== undefined && !namesByParam(req.params, grantParams) ? prior : this.authenticateRequest(req, grantParams);
    if (guard === null) return outcome;
    if (outcome instanceof Promise) return outcome.then((o) => checked(o, guard));
    return checked(outcome, guard);
  }

  #authenticate(
    authorization: string | string[] | undefined,
    url: string,
    transport: TransportLike | undefined,
    naming: GrantNaming | undefined,
    misplaced: GrantkitError | undefined,
    ip: string | undefined,
  ): MaybePromise<AuthOutcome> {
    if (!this.#started) return notReady();
    const v3 = isV3Path(url); // two substring tests on a v2 path
    if (v3 && this.#https.required) {
      const refused = httpsViolation(this.#https, transport);
      if (refused) return refused;
    }
    if (misplaced !== undefined) return misplaced;
    let token = plainBearer(authorization);
    if (token === undefined) {
      const cred = readAuthorization(authorization);
      if (cred.kind === 'none') return this.#missing();
      // v3 is bearer-only: Basic there is refused even when it carries a good token.
      token = cred.kind === 'basic' && v3 ? undefined : accessTokenOf(cred);
      if (token === undefined) return this.#invalid();
    }
    const now = this.#clock();
    let resolved: MaybePromise<Resolved | undefined>;
    try {
      resolved = this.store.resolve(hashSecret(token), now);
    } catch (e) {
      return this.#storeFailed(e);
    }
    if (resolved instanceof Promise) {
      return withTimeout(resolved, this.#timeoutMs).then(
        (r) =>
          v3 && r === undefined
            ? this.#unknownBearer(token, ip ?? transport?.socket?.remoteAddress)
            : naming !== undefined
              ? this.#grantPathOutcome(r, now, naming)
              : this.#toOutcome(r, now),
        (e: unknown) => this.#storeFailed(e),
      );
    }
    // v3 paths take API keys: a token the store does not know counts against the IP (only then is
    // a limiter read). One it knows but refuses (expired, revoked, grant invalid) does not count.
    if (v3 && resolved === undefined) return this.#unknownBearer(token, ip ?? transport?.socket?.remoteAddress);
    return naming !== undefined ? this.#grantPathOutcome(resolved, now, naming) : this.#toOutcome(resolved, now);
  }

  /**
   * A request that names a grant (grants/ownership.ts decides who may): an access token reaches
   * only its own grant, anything else is 403 without looking the other grant up, so a token
   * cannot probe which addresses have grants. An API key may name any grant of its client, but
   * not `me`; an unknown grant is 404.
   */
  #grantPathOutcome(r: Resolved | undefined, now: number, naming: GrantNaming): MaybePromise<AuthOutcome> {
    if (r === undefined || (r.token.expiresAt !== null && r.token.expiresAt <= now)) return this.#invalid();
    if (r.token.kind === 'access') {
      const own = this.#toOutcome(r, now);
      if (own instanceof GrantkitError) return own;
      const decision = decideNaming(naming, { kind: 'access', grant: own });
      return decision.kind === 'own' ? own : grantDenied(decision.kind === 'denied' ? decision.reason : 'other');
    }
    if (r.token.kind !== 'api_key') return this.#invalid();
    const decision = decideNaming(naming, { kind: 'api_key' });
    if (decision.kind === 'not_found') return grantNotFound();
    if (decision.kind === 'denied') return grantDenied(decision.reason);
    if (decision.kind === 'me_with_key') {
      return new GrantkitError('invalid_request', '"me" needs an access token; with an API key, name the grant by id or email.');
    }
    if (decision.kind !== 'lookup') return this.#invalid();
    const ref = decision.ref;
    const clientId = r.token.clientId;
    const lookup = ref.kind === 'id' ? this.store.getGrant(ref.id) : this.store.findGrantByEmail(clientId, ref.email);
    return withTimeout(lookup, this.#timeoutMs).then(
      (record) => {
        if (!record || record.clientId !== clientId) return grantNotFound();
        // Docs: an invalid or expired grant answers 401 on data calls until the user re-authenticates.
        if (record.status !== 'valid') return new GrantkitError('invalid_token', 'The grant is no longer valid; the user must re-authenticate.');
        return this.#grants.ofGrant(record);
      },
      (e: unknown) => this.#storeFailed(e),
    );
  }

  /**
   * The grant as one of its tokens acts on it: `scopes` are the token's own within the grant's
   * (grants/token-scopes.ts). Every place that reports or enforces what a token may do asks here.
   */
  grantOfToken(record: GrantRecord, token: Pick<TokenRecord, 'scopes'>): Grant {
    return this.#grants.ofToken(record, token.scopes);
  }

  /**
   * The vocabulary a grant's scopes are read in: the one it recorded, or for a grant stored before
   * grants recorded it, the one of the flow that made it (scopes/vocabulary.ts).
   */
  scopeVocabularyOf(record: GrantRecord): ScopeVocabulary {
    return scopeVocabularyOf(record, () => recordedConnector(this.keyring, record));
  }

  /**
   * Authenticates an application-level v3 request (the grants, connectors and connect routes):
   * Bearer only, an API key or an access token.
   */
  async authenticateApp(authorization: string | string[] | undefined, _transport?: TransportLike, ip?: string): Promise<AppCaller | GrantkitError> {
    // The HTTPS rule was applied by run(), which every one of grantkit's own routes goes through.
    const cred = readAuthorization(authorization);
    if (cred.kind === 'none') return this.#missing();
    if (cred.kind !== 'bearer') return this.#invalid();
    const now = this.#clock();
    let r: Resolved | undefined;
    try {
      r = await withTimeout(Promise.resolve(this.store.resolve(hashSecret(cred.token), now)), this.#timeoutMs);
    } catch (e) {
      return this.#storeFailed(e);
    }
    if (r === undefined) return this.#unknownBearer(cred.token, ip);
    if (r.token.expiresAt !== null && r.token.expiresAt <= now) return this.#invalid();
    if (r.token.kind === 'api_key') return { kind: 'api_key', clientId: r.token.clientId, token: r.token };
    if (r.token.kind === 'access' && r.grant !== null && r.grant.status === 'valid') {
      const scopes = this.#grants.ofToken(r.grant, r.token.scopes).scopes;
      return { kind: 'access', clientId: r.token.clientId, token: r.token, grant: r.grant, scopes };
    }
    return this.#invalid();
  }

  /** The v3 grant object of a stored grant; never its settings. */
  grantView(record: GrantRecord): Record<string, unknown> {
    return v3Grant(record, grantMeta(this.keyring, record));
  }

  /**
   * Marks a grant invalid and emits `grant.expired`: call it when the provider refuses the
   * grant's credentials. Its tokens get 401 until the user re-authenticates.
   */
  async expireGrant(grantId: string): Promise<boolean> {
    return (await expireGrant(this, grantId)) !== undefined;
  }

  #toOutcome(r: Resolved | undefined, now: number): AuthOutcome {
    // Expiry and status are re-checked here so a third-party store cannot let a dead token through.
    if (r === undefined || r.grant === null || r.token.kind !== 'access') return this.#invalid();
    if (r.token.expiresAt !== null && r.token.expiresAt <= now) return this.#invalid();
    const record = r.grant;
    if (record.status !== 'valid') return this.#invalid();
    // A store that hands out the same records while nothing changed (memory, the cache) is answered
    // with this one lookup: no scope lists compared, no second cache read.
    const memo = this.#resolutions.get(r.token);
    if (memo !== undefined && memo.record === record) return memo.grant;
    const grant = this.#grants.ofToken(record, r.token.scopes);
    this.#resolutions.set(r.token, { record, grant });
    return grant;
  }

  #missing(): GrantkitError {
    return new GrantkitError('missing_credentials', CREDENTIALS_MESSAGE, {
      headers: { 'www-authenticate': this.#missingChallenge },
    });
  }

  #invalid(): GrantkitError {
    return new GrantkitError('invalid_token', CREDENTIALS_MESSAGE, {
      headers: { 'www-authenticate': this.#invalidChallenge },
    });
  }

  /**
   * A bearer token `resolve` did not return: counted per IP (429 once the IP is over its limit),
   * unless the store knows it (held but expired, or revoked within the tombstone retention), which
   * makes it a known token, not a guess. Only this failure branch reads the tombstones.
   */
  async #unknownBearer(token: string, ip: string | undefined): Promise<GrantkitError> {
    try {
      const known = this.#raw.knows === undefined ? false : await withTimeout(this.#raw.knows(hashSecret(token)), this.#timeoutMs);
      if (known) return this.#invalid();
      return (await this.limits.unknownBearer(ip)) ?? this.#invalid();
    } catch (e) {
      return this.#storeFailed(e);
    }
  }

  #storeFailed(e: unknown): GrantkitError {
    const err = isGrantkitError(e) ? e : storeUnavailable(e);
    this.#onError(err.cause ?? err);
    return err;
  }

  /**
   * A fresh provider access token (Gmail, Graph...) for a grant, for the app's backend to call the
   * provider with: `await kit.providerAccessToken(req.grant.id)`. Refreshed with the grant's sealed
   * provider refresh token when the cached one is missing or within a minute of expiry; concurrent
   * callers share one refresh. The provider's `invalid_grant` marks the grant invalid (401
   * `provider_auth_failed`); a provider that cannot be reached leaves it valid (502 `provider_error`).
   */
  providerAccessToken(grantId: string): Promise<ProviderAccessToken> {
    return this.providerAccess.accessToken(grantId);
  }

  /** The decrypted IMAP and SMTP settings of an IMAP-family grant (imap, yahoo, aol, icloud, hotmail, outlook). */
  providerSettings(grantId: string): Promise<ProviderServerSettings> {
    return this.providerAccess.serverSettings(grantId);
  }

  /** Compiles a scope guard once; unknown scope names throw here, at start-up. */
  guard(mode: GuardMode, scopes: readonly string[]): ScopeGuard {
    return new ScopeGuard(this.graph, this.realm, mode, scopes);
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
    const outcome = this.authenticate(authorization, path, transport, ip);
    if (guard === null) return outcome;
    if (outcome instanceof Promise) return outcome.then((o) => checked(o, guard));
    return checked(outcome, guard);
  }

  /** Is this one of grantkit's own routes? Cheap for everything else (one Map read). */
  match(method: string, path: string): MatchedRoute | undefined {
    return this.#routes.match(method, path);
  }

  /**
   * Runs a matched route. Reads the body when the route needs one and the host app has not parsed
   * it already. Never rejects: every failure becomes a response in the route's format.
   */
  async run(matched: MatchedRoute, input: RouteInput): Promise<SerializedResponse> {
    const { route, params } = matched;
    try {
      if (!this.#started) throw notReady();
      if (this.#https.required && route.path.startsWith('/v3/')) {
        const refused = httpsViolation(this.#https, transportOf(input));
        if (refused) throw refused;
      }
      const raw = route.readsBody && input.body === undefined ? await readBody(input.stream) : input.body;
      const body = route.readsBody ? parseBody(raw) : {};
      if (headerOnlyRoute(route.path)) {
        const misplaced = misplacedCredential(
          {
            authorization: input.headers.authorization,
            rawHeaders: (input.stream as Partial<Pick<IncomingMessage, 'rawHeaders'>>).rawHeaders,
            query: input.query,
            body: route.readsBody ? body : raw,
          },
          this.realm,
        );
        if (misplaced) throw misplaced;
      }
      const req = {
        method: input.method,
        path: input.path,
        query: new URLSearchParams(input.query),
        headers: input.headers,
        body,
        secure: input.secure,
        ip: input.ip ?? transportOf(input).socket?.remoteAddress,
      };
      return serialize(await route.handler({ kit: this, req, params }));
    } catch (e) {
      return serialize(renderThrown(e, route.family, this.#onError));
    }
  }

  /**
   * Compiles an endpoint table (default: Nylas's v2 endpoint table) into a lookup from
   * method and path to the guard that protects it: undefined when the table does not list the
   * path (or for OPTIONS, which carries no credentials), `null` when any valid token may pass, and
   * a 405 when the table lists the path under other methods only.
   *
   * The path is read as loosely as any framework routes it (http/path-shape.ts): in any case, with
   * or without trailing slashes, each segment percent-decoded, HEAD as GET. v3 data paths are the
   * v2 resource paths under `/v3/grants/{grant}` ("GET /messages becomes
   * /v3/grants/[grant-id]/messages"), so one table guards both; `originalUrl` finds them when the
   * gate is mounted below the `/v3/grants/{grant}` part (`app.use('/v3', router)`).
   */
  gate(rules: readonly EndpointRule[] = V2_ENDPOINT_SCOPES): (method: string, path: string, originalUrl?: string) => ScopeGuard | null | GrantkitError | undefined {
    const lookup = compileEndpointTable(rules, (rule) =>
      rule.scopes === 'any' ? null : new ScopeGuard(this.graph, this.realm, 'any', rule.scopes, true),
    );
    return (method, path, originalUrl = path) => {
      const m = gateMethod(method);
      if (m === 'OPTIONS') return undefined;
      const match = lookup(m, tableSegments(path, originalUrl));
      if (match === undefined) return undefined;
      if (match.kind === 'rule') return match.value;
      const allow = match.allow.join(', ');
      return new GrantkitError('method_not_allowed', `Method not allowed; use ${allow}.`, { headers: { allow } });
    };
  }
}

/** The segments the endpoint table is matched against: the part after `/v3/grants/{grant}` when there is one. */
function tableSegments(path: string, originalUrl: string): readonly string[] {
  const segments = foldedSegments(path);
  const at = v3GrantsAt(segments);
  if (at >= 0) return segments.slice(at + 3);
  if (originalUrl !== path) {
    const full = foldedSegments(originalUrl);
    const fullAt = v3GrantsAt(full);
    if (fullAt >= 0) return full.slice(fullAt + 3);
  }
  return segments;
}

/** Whether the route's own parameters name a grant. */
function namesByParam(params: Readonly<Record<string, unknown>> | undefined, names: readonly string[]): boolean {
  if (params === undefined) return false;
  for (const n of names) if (Object.hasOwn(params, n)) return true;
  return false;
}

function grantDenied(reason: 'other' | 'unreadable'): GrantkitError {
  return new GrantkitError(
    'grant_access_denied',
    reason === 'other'
      ? 'Access to Grant denied: an access token may only name its own grant.'
      : 'Access to Grant denied: this request does not say clearly which grant it names.',
  );
}

function checked(outcome: AuthOutcome, guard: ScopeGuard): AuthOutcome {
  if (outcome instanceof GrantkitError) return outcome;
  return guard.check(outcome) ?? outcome;
}

/** The connection facts of a route input, for the HTTPS rule: the Node request's socket when the stream is one. */
function transportOf(input: RouteInput): TransportLike {
  const socket = (input.stream as Partial<Pick<TransportLike, 'socket'>>).socket ?? null;
  return { socket, headers: input.headers, secure: input.secure };
}

/** What the kit remembers of a token's last resolution: valid while its grant record is the same object. */
interface GrantMemo {
  readonly record: GrantRecord;
  readonly grant: Grant;
}

/**
 * A request as an adapter hands it to a guard, `gate()` or `resolve()`: what the framework knows,
 * and nothing decided yet.
 */
export interface GuardInput {
  readonly method: string;
  /** The path relative to where the middleware is mounted (Express `req.path`, Koa `ctx.path`). */
  readonly path: string;
  /** The whole request target, mount prefix and query included (`req.originalUrl`, `ctx.originalUrl`). */
  readonly originalUrl: string;
  readonly headers: IncomingHttpHeaders;
  /** Node's `rawHeaders`: only there does a second Authorization header show. */
  readonly rawHeaders?: readonly string[];
  /** The route's decoded parameters when the framework has matched a route by now. */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** What the host app's body parser produced, if one ran. */
  readonly body?: unknown;
  /** The connection, with the framework's HTTPS verdict (Express `req`, Koa `ctx`). */
  readonly transport?: TransportLike;
  /** The client address as the framework reports it (Express `req.ip`, Koa `ctx.ip`). */
  readonly ip?: string | undefined;
}

/** A request as an adapter hands it to a route: the body either parsed by the host app or left in the stream. */
export interface RouteInput {
  readonly method: string;
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly secure: boolean;
  /**
   * The client's IP as the framework sees it (Express `req.ip`, Koa `ctx.ip`), so the app's own
   * proxy settings decide whether X-Forwarded-For counts. Default: the socket's address.
   */
  readonly ip?: string | undefined;
  /** What the host's body parser produced, or undefined when nobody read the body. */
  readonly body: unknown;
  readonly stream: Readable;
}

/** Creates the core from options, validated once. */
export function createGrantKit(options: GrantKitOptions): GrantKit {
  return new GrantKit(options);
}
