import type { NativeProvider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { GrantCacheOptions, ResolvedCache } from '../store/cache.js';
import { type ConnectorStore, isConnectorStore, type ProviderEndpoints } from '../connectors/connector-records.js';
import type { EndpointOverrides } from '../connectors/endpoints.js';
import { WEBHOOK_RETRY_DELAYS_MS, type ResolvedWebhook, type WebhookEndpoint } from '../webhooks/delivery.js';
import type { ProviderLookup } from '../providers/detect.js';
import type { HostedOAuthOptions, ResolvedHostedOAuth } from '../oauth/hosted.js';
import { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitName, type RateLimitsOptions, type ResolvedRateLimits } from '../limits/rate-limits.js';
import type { ResolvedClient } from '../clients.js';
import { isAllowedCallbackScheme } from '../oauth/callback-uri.js';
import { MemoryStore } from '../store/memory.js';
import { DEFAULT_V2_SCOPES } from '../scopes/catalog.js';
import { v2ScopeGraph } from '../scopes/graph.js';
import { parseScopes } from '../scopes/parse.js';
import { warnTrustProxyDeprecated } from '../http/transport.js';
import type { GrantEventType } from '../events/events.js';
import { checkShapes, optionError } from './options-schema.js';
import { resolveObservability, type ObservabilityOptions, type ResolvedObservability } from './observability.js';

export interface ClientOptions {
  /** The app's client id (Nylas "application" client_id). */
  readonly id: string;
  /** Omit for a public client. */
  readonly secret?: string;
  /** Registered callback URIs, matched exactly. */
  readonly callbackUris?: readonly string[];
  /** Show the consent screen in hosted sign-in, before the provider step. Default false. */
  readonly consent?: boolean;
  /** The application's name on the hosted pages (Nylas's application `name`). */
  readonly name?: string;
  /** The application's icon on the hosted pages, an https URL (Nylas's application `icon_url`). */
  readonly iconUrl?: string;
  /** The hosted pages' accent colour, `#rgb` or `#rrggbb`. */
  readonly accentColor?: string;
}

export interface GrantKitOptions extends ObservabilityOptions {
  /** The app's OAuth clients. At least one. */
  readonly clients: readonly ClientOptions[];
  /** Native (custom) authentication providers the app enables, e.g. `sandboxProvider()`. */
  readonly providers?: readonly NativeProvider[];
  /** Where grants and tokens live. Default: a new MemoryStore. */
  readonly store?: Store;
  /** Encryption secrets, each 32+ characters. The first seals new data; all open old data. */
  readonly secretKeys: string | readonly string[];
  /** Scopes for an authorization that names none. Default `email,calendar,contacts`, as the SDKs assume. */
  readonly defaultScopes?: string | readonly string[];
  /** Milliseconds since the epoch. Inject a fixed clock in tests. */
  readonly clock?: () => number;
  /** The realm in WWW-Authenticate challenges. Default `grantkit`. */
  readonly realm?: string;
  /** A store call slower than this fails closed with 503. Default 2000 ms. */
  readonly storeTimeoutMs?: number;
  /**
   * A per-instance cache of resolved tokens in front of a networked store. Revocations reach it
   * through the store's broadcast at once, and the TTL (at most 5 s) bounds staleness regardless.
   */
  readonly cache?: boolean | GrantCacheOptions;
  /**
   * v3 routes refuse plain HTTP, since their bearer tokens must not cross the network in the clear.
   * `'production'` (the default) means on when NODE_ENV is `production`. Loopback clients are
   * always exempt.
   */
  readonly requireHttps?: boolean | 'production';
  /**
   * @deprecated Ignored, with a one-time warning: the HTTPS rule takes the framework's own verdict.
   * Behind a proxy you run, set Express `app.set('trust proxy', …)` or Koa `app.proxy = true`.
   */
  readonly trustProxy?: boolean;
  /**
   * Where connectors and credentials live. Default: the store, when it implements ConnectorStore
   * (MemoryStore does); otherwise a separate in-memory one.
   */
  readonly connectors?: ConnectorStore;
  /** Per-provider endpoint overrides (google, microsoft, yahoo, zoom), e.g. a loopback token URL in tests. */
  readonly providerEndpoints?: Readonly<Record<string, Readonly<Partial<ProviderEndpoints>>>>;
  /** Bound on each call to a provider (token, userinfo, detection lookup). Default 5000 ms. */
  readonly providerTimeoutMs?: number;
  /** An extra lookup for /v3/providers/detect when the built-in table has no answer, e.g. `mxLookup()`. Off by default. */
  readonly providerLookup?: ProviderLookup;
  /**
   * Grant lifecycle events are POSTed, signed, to these endpoints. Pending deliveries and their
   * retries wait in the store (a store without the delivery queue keeps them in process memory).
   */
  readonly webhooks?: readonly WebhookEndpoint[];
  /** The `iss` of id_tokens, authorization responses and discovery: an https URL (http on loopback). Default: `hostedOAuth.publicUrl`, else `grantkit`. */
  readonly issuer?: string;
  /** Hosted OAuth (/oauth/authorize, /v3/connect/auth and their token endpoints); see oauth/hosted.ts. */
  readonly hostedOAuth?: HostedOAuthOptions;
  /**
   * Brute-force limits on failed credentials (logins, client secrets, API keys, refresh tokens)
   * and on /v3/providers/detect; see limits/rate-limits.ts for the defaults. Counted where the
   * store keeps its data; a store without `rateLimiter()` counts per process. `false` turns them
   * all off, `false` on one turns that one off.
   */
  readonly rateLimits?: RateLimitsOptions | false;
}

/**
 * The options after resolution: every default applied, every rule between options checked, deeply
 * frozen. The kit and the parts it builds read only this; none of them re-defaults or re-checks an
 * option. Objects of the app's own (the store, providers, functions) are kept as given.
 */
export interface ResolvedOptions extends ResolvedObservability {
  /** Unique ids; callback URIs https (or loopback http) without a fragment. */
  readonly clients: readonly ResolvedClient[];
  /** Unique names. */
  readonly providers: readonly NativeProvider[];
  /** The store the app gave, or a new MemoryStore; the kit puts the cache in front of it. */
  readonly store: Store;
  readonly connectors: ConnectorStore;
  /** The first seals; all open. */
  readonly secretKeys: readonly string[];
  /** Parsed against the v2 scope graph, duplicates dropped. */
  readonly defaultScopes: readonly string[];
  readonly clock: () => number;
  readonly realm: string;
  readonly storeTimeoutMs: number;
  readonly cache: ResolvedCache | false;
  /** `'production'` already read against NODE_ENV. */
  readonly requireHttps: boolean;
  readonly providerEndpoints: EndpointOverrides;
  readonly providerTimeoutMs: number;
  /** Undefined: detection uses the built-in table only. */
  readonly providerLookup: ProviderLookup | undefined;
  readonly webhooks: readonly ResolvedWebhook[];
  readonly issuer: string;
  readonly hostedOAuth: ResolvedHostedOAuth;
  readonly rateLimits: ResolvedRateLimits;
}

/** The defaults, in one place; docs/configuration.md states the same values. */
export const OPTION_DEFAULTS = Object.freeze({
  defaultScopes: DEFAULT_V2_SCOPES,
  realm: 'grantkit',
  issuer: 'grantkit', // without a public URL
  storeTimeoutMs: 2000,
  providerTimeoutMs: 5000,
  requireHttps: 'production',
  cache: Object.freeze({ ttlMs: 5000, maxEntries: 100_000 }),
  webhookTimeoutMs: 10_000,
  webhookRetryDelaysMs: WEBHOOK_RETRY_DELAYS_MS,
  webhookTypes: Object.freeze<GrantEventType[]>(['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired']),
  hostedOAuth: Object.freeze({
    accessTokenTtlSeconds: 3600,
    refreshTokenIdleSeconds: 30 * 86_400,
    refreshTokenMaxSeconds: 365 * 86_400,
    allowTokenResponse: false,
    allowPlainPkce: false,
    idTokenAlg: 'RS256',
  }),
  rateLimits: DEFAULT_RATE_LIMITS,
} as const);

/**
 * Turns the app's options into the one resolved object the kit is built from. Every mistake throws
 * a TypeError with code `ERR_INVALID_ARG_VALUE` whose message names the option's path, e.g.
 * `grantkit: option "hostedOAuth.accessTokenTtlSeconds" must be a positive integer`.
 */
export function resolveOptions(options: GrantKitOptions): ResolvedOptions {
  checkShapes(options);
  const clients = resolveClients(options.clients);
  const providers = uniqueProviders(options.providers ?? []);
  const defaultScopes = resolveDefaultScopes(options.defaultScopes);
  if (options.trustProxy !== undefined) warnTrustProxyDeprecated();
  const store = options.store ?? new MemoryStore();
  const requireHttps = options.requireHttps ?? OPTION_DEFAULTS.requireHttps;
  const hostedOAuth = resolveHostedOAuth(options.hostedOAuth ?? {});
  return Object.freeze({
    clients,
    providers,
    store,
    // The raw store, not a cache in front of it: only it may implement ConnectorStore.
    connectors: options.connectors ?? (isConnectorStore(store) ? store : new MemoryStore()),
    secretKeys: Object.freeze(typeof options.secretKeys === 'string' ? [options.secretKeys] : [...options.secretKeys]),
    defaultScopes,
    clock: options.clock ?? Date.now,
    realm: options.realm ?? OPTION_DEFAULTS.realm,
    storeTimeoutMs: options.storeTimeoutMs ?? OPTION_DEFAULTS.storeTimeoutMs,
    cache: resolveCache(options.cache),
    ...resolveObservability(options),
    requireHttps: requireHttps === 'production' ? process.env['NODE_ENV'] === 'production' : requireHttps,
    providerEndpoints: resolveEndpoints(options.providerEndpoints ?? {}),
    providerTimeoutMs: options.providerTimeoutMs ?? OPTION_DEFAULTS.providerTimeoutMs,
    providerLookup: options.providerLookup,
    webhooks: Object.freeze((options.webhooks ?? []).map(resolveWebhook)),
    // OpenID clients discover grantkit under its issuer: by default, the URL grantkit is reached at.
    issuer: options.issuer ?? hostedOAuth.publicUrl ?? OPTION_DEFAULTS.issuer,
    hostedOAuth,
    rateLimits: resolveRateLimits(options.rateLimits),
  });
}

function resolveClients(clients: readonly ClientOptions[]): readonly ResolvedClient[] {
  const seen = new Set<string>();
  for (const c of clients) {
    if (seen.has(c.id)) throw optionError('clients', `lists "${c.id}" twice`);
    seen.add(c.id);
  }
  // A bad callback URI is a configuration mistake: say so at start-up, not at the first login.
  clients.forEach((c, i) =>
    c.callbackUris?.forEach((uri, j) => {
      if (!isAllowedCallbackScheme(uri)) {
        throw optionError(`clients[${i}].callbackUris[${j}]`, 'must be https (http only for localhost and 127.0.0.1), without a fragment');
      }
    }),
  );
  return Object.freeze(clients.map(resolveClient));
}

function resolveClient({ id, secret, callbackUris, consent, name, iconUrl, accentColor }: ClientOptions): ResolvedClient {
  const theme = { ...(name && { name }), ...(iconUrl && { iconUrl }), ...(accentColor && { accentColor }) };
  const themed = Object.keys(theme).length > 0 ? { theme: Object.freeze(theme) } : {};
  return Object.freeze({ id, secret, callbackUris: Object.freeze([...(callbackUris ?? [])]), ...(consent === true && { consent }), ...themed });
}

function uniqueProviders(providers: readonly NativeProvider[]): readonly NativeProvider[] {
  const seen = new Set<string>();
  for (const p of providers) {
    if (seen.has(p.name)) throw optionError('providers', `lists "${p.name}" twice`);
    seen.add(p.name);
  }
  return Object.freeze([...providers]);
}

function resolveDefaultScopes(value: GrantKitOptions['defaultScopes']): readonly string[] {
  try {
    return Object.freeze(parseScopes(value ?? OPTION_DEFAULTS.defaultScopes, v2ScopeGraph, OPTION_DEFAULTS.defaultScopes, 'defaultScopes'));
  } catch (e) {
    throw optionError('defaultScopes', `is not valid: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function resolveCache(cache: GrantKitOptions['cache']): ResolvedCache | false {
  if (cache === undefined || cache === false) return false;
  const given: GrantCacheOptions = cache === true ? {} : cache;
  return Object.freeze({
    ttlMs: given.ttlMs ?? OPTION_DEFAULTS.cache.ttlMs,
    maxEntries: given.maxEntries ?? OPTION_DEFAULTS.cache.maxEntries,
  });
}

function resolveEndpoints(given: NonNullable<GrantKitOptions['providerEndpoints']>): EndpointOverrides {
  return Object.freeze(Object.fromEntries(Object.entries(given).map(([provider, urls]) => [provider, Object.freeze({ ...urls })])));
}

function resolveWebhook(w: WebhookEndpoint): ResolvedWebhook {
  return Object.freeze({
    url: w.url,
    secret: w.secret,
    types: Object.freeze([...(w.types ?? OPTION_DEFAULTS.webhookTypes)]),
    timeoutMs: w.timeoutMs ?? OPTION_DEFAULTS.webhookTimeoutMs,
    retryDelaysMs: Object.freeze([...(w.retryDelaysMs ?? OPTION_DEFAULTS.webhookRetryDelaysMs)]),
    onAttempt: w.onAttempt,
  });
}

function resolveHostedOAuth(h: HostedOAuthOptions): ResolvedHostedOAuth {
  const d = OPTION_DEFAULTS.hostedOAuth;
  const key = h.idTokenKey;
  return Object.freeze({
    publicUrl: h.publicUrl?.replace(/\/+$/, ''),
    accessTokenTtlSeconds: h.accessTokenTtlSeconds ?? d.accessTokenTtlSeconds,
    refreshTokenIdleSeconds: h.refreshTokenIdleSeconds ?? d.refreshTokenIdleSeconds,
    refreshTokenMaxSeconds: h.refreshTokenMaxSeconds ?? d.refreshTokenMaxSeconds,
    allowTokenResponse: h.allowTokenResponse ?? d.allowTokenResponse,
    allowPlainPkce: h.allowPlainPkce ?? d.allowPlainPkce,
    corsOrigins: Object.freeze([...(h.corsOrigins ?? [])]),
    idTokenKey:
      key === undefined
        ? undefined
        : Object.freeze({ privateKeyPem: key.privateKeyPem, alg: key.alg ?? d.idTokenAlg, ...(key.kid === undefined ? {} : { kid: key.kid }) }),
  });
}

const neverSkip = (): boolean => false;

/** `false` turns every limit off; inside the object, `false` turns one off and a missing one takes its default. */
function resolveRateLimits(given: GrantKitOptions['rateLimits']): ResolvedRateLimits {
  const rule = (name: RateLimitName): RateLimit | false => {
    const r = given === false ? false : (given?.[name] ?? DEFAULT_RATE_LIMITS[name]);
    return r === false ? false : Object.freeze({ limit: r.limit, windowSeconds: r.windowSeconds });
  };
  return Object.freeze({
    loginPerAddressAndIp: rule('loginPerAddressAndIp'),
    loginPerAddress: rule('loginPerAddress'),
    loginPerIp: rule('loginPerIp'),
    secretPerIp: rule('secretPerIp'),
    detectPerClient: rule('detectPerClient'),
    skip: (given === false ? undefined : given?.skip) ?? neverSkip,
  });
}
