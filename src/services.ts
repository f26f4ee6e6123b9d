import type { ClientRegistry } from './clients.js';
import type { Keyring } from './crypto/keyring.js';
import type { NativeProvider } from './providers/provider.js';
import type { ScopeGraph } from './scopes/graph.js';
import type { Store } from './store/store.js';
import type { RateLimits } from './limits/rate-limits.js';

/** What flows and routes need from the kit, and nothing about HTTP. */
export interface Services {
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clients: ClientRegistry;
  readonly providers: ReadonlyMap<string, NativeProvider>;
  readonly graph: ScopeGraph;
  readonly defaultScopes: readonly string[];
  readonly realm: string;
  now(): number;
  /** Brute-force limits on the credentials a flow checks. */
  readonly limits: RateLimits;
  /** Runs a store call under the fail-closed timeout: a slow or failing store becomes a 503. */
  guarded<T>(call: Promise<T>): Promise<T>;
}

import type { MaybePromise } from './store/store.js';
import type { Grant } from './grants/grant.js';
import type { GrantkitError } from './errors/error.js';
import type { GrantRecord, TokenRecord } from './store/records.js';

/** Services plus request authentication: what a route handler is given. */
export interface RouteServices extends Services {
  authenticate(authorization: string | string[] | undefined, path: string): MaybePromise<Grant | GrantkitError>;
  /**
   * The grant as one of its tokens acts on it: `scopes` are the token's own within the grant's
   * (grants/token-scopes.ts). What reports or enforces a token's scopes reads them here.
   */
  grantOfToken(record: GrantRecord, token: Pick<TokenRecord, 'scopes'>): Grant;
}
