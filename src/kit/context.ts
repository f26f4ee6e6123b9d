import { ApiKeys } from '../apikeys.js';
import { AuditTrail, auditGrantEvents } from '../audit/trail.js';
import { ClientRegistry } from '../clients.js';
import { Connectors } from '../connectors/connectors.js';
import { Keyring } from '../crypto/keyring.js';
import { GrantEvents } from '../events/events.js';
import { memoryLimiter } from '../limits/backends.js';
import { RateLimits } from '../limits/rate-limits.js';
import { HostedOAuth } from '../oauth/hosted.js';
import { ProviderAccess } from '../providers/access.js';
import { ProviderDetector } from '../providers/detect.js';
import { v2ScopeGraph } from '../scopes/graph.js';
import { GrantCache } from '../store/cache.js';
import { CachedStore } from '../store/cached.js';
import { FailClosedConnectorStore, FailClosedStore } from '../store/fail-closed.js';
import type { Store } from '../store/store.js';
import { deliveryQueueOf, WebhookWorker } from '../webhooks/worker.js';
import { Telemetry } from '../telemetry/telemetry.js';
import { Authentication } from './authentication.js';
import type { KitFoundation } from './foundation.js';
import { checkHealth, type HealthReport } from './health.js';
import { storeObserver, type Watchers } from './observers.js';
import type { ResolvedOptions } from './options.js';
import { Readiness } from './readiness.js';

/**
 * The one object the core's parts are handed: the foundation (options, store, keyring, clients,
 * providers, scope graph, events, clock) and the parts built on it. Flows and route handlers take
 * it whole; the parts themselves take only the foundation. It is internal: apps see the GrantKit
 * facade.
 */
export interface KitContext extends KitFoundation {
  /** Brute-force limits on credentials, counted where the store keeps its data. */
  readonly limits: RateLimits;
  readonly apiKeys: ApiKeys;
  /** Connectors and their credentials: the model custom authentication and hosted OAuth share. */
  readonly connectors: Connectors;
  readonly detector: ProviderDetector;
  /** Hosted OAuth: settings, the id_token signer and the per-connector strategies. */
  readonly hosted: HostedOAuth;
  /** Provider access tokens and mail server settings for the app's backend. */
  readonly providerAccess: ProviderAccess;
  /** Bearer tokens and API keys to grants, and who may name which grant. */
  readonly auth: Authentication;
  /** Start-up: until the cache has subscribed to the store's broadcasts, everything answers 503. */
  readonly readiness: Readiness;
  /** Webhook delivery from the store's queue, when the kit has endpoints; `kit.close()` stops it. */
  readonly webhooks: WebhookWorker | undefined;
  /** Store reachability and the invalidation channel's state (health.ts); never rejects. */
  health(): Promise<HealthReport>;
}

/** Builds a kit's context from resolved options: the store decorated once, then every part. */
export function createKitContext(o: ResolvedOptions): KitContext {
  const timeoutMs = o.storeTimeoutMs;
  const audit = o.audit === undefined ? undefined : new AuditTrail(o.audit, o.clock, o.onError);
  const telemetry = new Telemetry(o.telemetry);
  const watchers: Watchers = { telemetry, telemetryEnabled: o.telemetry, audit, logger: o.logger };
  const cached = o.cache ? new CachedStore(o.store, new GrantCache(o.cache)) : undefined;
  const store: Store = new FailClosedStore(cached ?? o.store, timeoutMs, {
    grants: storeObserver('grants', o.store, watchers),
    connectors: storeObserver('connectors', o.store, watchers),
  });
  const readiness = new Readiness(cached, o.onError);
  // The queue is the app's own store, never the cache: its calls are bounded here as the kit's are.
  const webhooks =
    o.webhooks.length === 0
      ? undefined
      : new WebhookWorker({ endpoints: o.webhooks, queue: deliveryQueueOf(o.store), onError: o.onError, storeTimeoutMs: timeoutMs });
  const events = new GrantEvents(o.onError, webhooks?.enqueue);
  if (audit !== undefined) auditGrantEvents(events, audit);
  const foundation: KitFoundation = {
    options: o,
    store,
    keyring: new Keyring(o.secretKeys),
    clients: new ClientRegistry(o.clients),
    providers: new Map(o.providers.map((p) => [p.name, p])),
    graph: v2ScopeGraph,
    events,
    audit,
    telemetry,
    now: o.clock,
  };
  const limits = new RateLimits(o.rateLimits, (spec) => store.rateLimiter?.(spec) ?? memoryLimiter(spec), timeoutMs, audit);
  const connectorStore = new FailClosedConnectorStore(o.connectors, timeoutMs, storeObserver('connectors', o.connectors, watchers));
  const connectors = new Connectors(foundation, connectorStore);
  return {
    ...foundation,
    limits,
    apiKeys: new ApiKeys(store, o.clock, o.clients[0]!.id, (id) => foundation.clients.get(id) !== undefined, audit),
    connectors,
    detector: new ProviderDetector(o.providerLookup, o.providerTimeoutMs),
    hosted: new HostedOAuth(o.hostedOAuth),
    providerAccess: new ProviderAccess(foundation, connectors),
    auth: new Authentication(foundation, limits, readiness),
    readiness,
    webhooks,
    health: () => checkHealth(store, cached, o.clock),
  };
}
