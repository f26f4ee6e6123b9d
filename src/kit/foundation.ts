import type { AuditTrail } from '../audit/trail.js';
import type { ClientRegistry } from '../clients.js';
import type { Keyring } from '../crypto/keyring.js';
import type { GrantEvents } from '../events/events.js';
import type { NativeProvider } from '../providers/provider.js';
import type { ScopeGraph } from '../scopes/graph.js';
import type { Store } from '../store/store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { ResolvedOptions } from './options.js';

/**
 * What every part of a kit is built on: the resolved options and the few objects made straight
 * from them. The parts built on top (connectors, API keys, provider access, authentication) take
 * this, and the kit context (context.ts) adds them; keeping the two apart keeps the import graph
 * free of cycles, since a part never needs to know the parts beside it.
 */
export interface KitFoundation {
  /** Validated and defaulted once (options.ts), frozen. */
  readonly options: ResolvedOptions;
  /**
   * The store as the kit uses it: the cache in front when one is configured, and every call
   * bounded by the store timeout, a failure answering 503 (store/fail-closed.ts).
   */
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clients: ClientRegistry;
  readonly providers: ReadonlyMap<string, NativeProvider>;
  readonly graph: ScopeGraph;
  /** Grant lifecycle events; webhooks listen here. */
  readonly events: GrantEvents;
  /**
   * The audit trail, when the app set the `audit` option; undefined otherwise. Report with
   * `kit.audit?.emit({...})`, so that without it the event is not even built.
   */
  readonly audit: AuditTrail | undefined;
  /** Spans and metrics, when `@opentelemetry/api` and an SDK are there (telemetry/telemetry.ts). */
  readonly telemetry: Telemetry;
  /** The injected clock: every expiry and timestamp reads it. */
  now(): number;
}
