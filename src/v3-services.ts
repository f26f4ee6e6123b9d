import type { ApiKeys } from './apikeys.js';
import type { Connectors } from './connectors/connectors.js';
import type { GrantkitError } from './errors/error.js';
import type { GrantEvents } from './events/events.js';
import type { TransportLike } from './http/transport.js';
import type { ProviderDetector } from './providers/detect.js';
import type { RouteServices } from './services.js';
import type { GrantRecord, TokenRecord } from './store/records.js';
import type { MaybePromise } from './store/store.js';

/**
 * Who is calling an application-level route: an API key (any grant of its client) or an access
 * token (its own grant only). For an access token, `grant` is the stored record, with the grant's
 * scopes; `scopes` are the ones the token acts with (grants/token-scopes.ts), which is what a route
 * reports to it.
 */
export type AppCaller =
  | { readonly kind: 'api_key'; readonly clientId: string; readonly token: TokenRecord }
  | {
      readonly kind: 'access';
      readonly clientId: string;
      readonly token: TokenRecord;
      readonly grant: GrantRecord;
      readonly scopes: readonly string[];
    };

/** What v3 routes and flows need from the kit on top of the foundation's services. */
export interface V3Services extends RouteServices {
  readonly events: GrantEvents;
  readonly apiKeys: ApiKeys;
  readonly connectors: Connectors;
  readonly detector: ProviderDetector;
  /** Bound on each call to a provider's endpoints. */
  readonly providerTimeoutMs: number;
  /** `iss` in token info. */
  readonly issuer: string;
  /** Authenticates an application-level request (API key or access token). */
  authenticateApp(authorization: string | string[] | undefined, transport?: TransportLike, ip?: string): MaybePromise<AppCaller | GrantkitError>;
  /** The v3 grant object of a record (opens its sealed metadata). */
  grantView(record: GrantRecord): Record<string, unknown>;
}
