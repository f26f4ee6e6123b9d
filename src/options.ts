import { z } from 'zod';
import type { NativeProvider } from './providers/provider.js';
import type { Store } from './store/store.js';
import type { GrantCacheOptions } from './store/cache.js';
import type { ConnectorStore, ProviderEndpoints } from './connectors/records.js';
import type { WebhookEndpoint } from './webhooks/delivery.js';
import type { ProviderLookup } from './providers/detect.js';
import type { HostedOAuthOptions } from './oauth/hosted.js';
import type { RateLimitsOptions } from './limits/rate-limits.js';
import type { ClientOptions } from './clients.js';

export interface GrantKitOptions {
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
  /** Told about unexpected failures (never with secrets). Default: console.error with the message only. */
  readonly onError?: (error: unknown) => void;
  /**
   * v3 routes refuse plain HTTP (docs/security.md). `'production'` (the default) means on when
   * NODE_ENV is `production`. Loopback clients are always exempt.
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
  /** Grant lifecycle events are POSTed, signed, to these endpoints. */
  readonly webhooks?: readonly WebhookEndpoint[];
  /** `iss` reported by /v3/connect/tokeninfo. Default `grantkit`. */
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

const rateLimit = z.union([
  z.literal(false),
  z.object({ limit: z.number().int().positive(), windowSeconds: z.number().int().positive().max(30 * 86_400) }),
]);

const nonEmpty = z.string().min(1, 'must be a non-empty string');

const schema = z.object({
  clients: z
    .array(
      z.object({
        id: nonEmpty.max(256),
        secret: nonEmpty.optional(),
        callbackUris: z.array(z.url()).optional(),
      }),
    )
    .min(1, 'needs at least one client'),
  providers: z
    .array(
      z.custom<NativeProvider>(
        (p) => typeof p === 'object' && p !== null && typeof (p as NativeProvider).verify === 'function',
        'must be a provider object with a verify() method',
      ),
    )
    .optional(),
  store: z
    .custom<Store>(
      (s) => typeof s === 'object' && s !== null && typeof (s as Store).resolve === 'function',
      'must implement the Store interface',
    )
    .optional(),
  secretKeys: z.union([
    z.string().min(32, 'must be at least 32 characters'),
    z.array(z.string().min(32, 'must be at least 32 characters')).min(1, 'needs at least one key'),
  ]),
  defaultScopes: z.union([z.string(), z.array(z.string())]).optional(),
  clock: z.custom<() => number>((f) => typeof f === 'function', 'must be a function').optional(),
  realm: z.string().regex(/^[\x20-\x7e]{1,64}$/, 'must be 1 to 64 printable characters').optional(),
  storeTimeoutMs: z.number().int().positive().max(60_000).optional(),
  cache: z
    .union([
      z.boolean(),
      z.object({ ttlMs: z.number().int().positive().max(5000).optional(), maxEntries: z.number().int().positive().optional() }),
    ])
    .optional(),
  onError: z.custom<(e: unknown) => void>((f) => typeof f === 'function', 'must be a function').optional(),
  requireHttps: z.union([z.boolean(), z.literal('production')]).optional(),
  trustProxy: z.boolean().optional(),
  connectors: z
    .custom<ConnectorStore>(
      (s) => typeof s === 'object' && s !== null && typeof (s as ConnectorStore).getConnector === 'function',
      'must implement the ConnectorStore interface',
    )
    .optional(),
  providerEndpoints: z
    .record(z.string(), z.object({ authorizationUrl: z.url().optional(), tokenUrl: z.url().optional(), userinfoUrl: z.url().optional() }))
    .optional(),
  providerTimeoutMs: z.number().int().positive().max(60_000).optional(),
  providerLookup: z.custom<ProviderLookup>((f) => typeof f === 'function', 'must be a function').optional(),
  webhooks: z
    .array(
      z.object({
        url: z.url({ protocol: /^https?$/ }),
        secret: z.string().min(16, 'must be at least 16 characters'),
        types: z.array(z.enum(['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired'])).optional(),
        timeoutMs: z.number().int().positive().max(60_000).optional(),
        scheduler: z.custom<WebhookEndpoint['scheduler']>((f) => typeof f === 'function', 'must be a function').optional(),
        onAttempt: z.custom<WebhookEndpoint['onAttempt']>((f) => typeof f === 'function', 'must be a function').optional(),
      }),
    )
    .optional(),
  issuer: z.string().min(1).max(256).optional(),
  rateLimits: z
    .union([
      z.literal(false),
      z.object({
        loginPerAddressAndIp: rateLimit.optional(),
        loginPerAddress: rateLimit.optional(),
        loginPerIp: rateLimit.optional(),
        secretPerIp: rateLimit.optional(),
        detectPerClient: rateLimit.optional(),
        skip: z.custom<(ip: string) => boolean>((f) => typeof f === 'function', 'must be a function').optional(),
      }).strict(),
    ])
    .optional(),
  hostedOAuth: z
    .object({
      publicUrl: z.url({ protocol: /^https?$/ }).optional(),
      accessTokenTtlSeconds: z.number().int().positive().max(86_400).optional(),
      refreshTokenIdleSeconds: z.number().int().positive().optional(),
      refreshTokenMaxSeconds: z.number().int().positive().optional(),
      allowTokenResponse: z.boolean().optional(),
      allowPlainPkce: z.boolean().optional(),
      corsOrigins: z.array(z.url({ protocol: /^https?$/ })).optional(),
      idTokenKey: z
        .object({
          privateKeyPem: z.string().includes('PRIVATE KEY', { message: 'must be a PKCS#8 PEM private key' }),
          alg: z.enum(['RS256', 'ES256', 'PS256']).optional(),
          kid: z.string().min(1).max(128).optional(),
        })
        .optional(),
    })
    .optional(),
});

/**
 * Validates the options once, at start-up. A mistake throws a TypeError that names the option,
 * e.g. `grantkit: option "clients[0].id" must be a non-empty string`.
 */
export function validateOptions(options: GrantKitOptions): void {
  const result = schema.safeParse(options);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
  const err = new TypeError(`grantkit: option "${path || 'options'}" ${issue.message}`);
  (err as TypeError & { code: string }).code = 'ERR_INVALID_ARG_VALUE';
  throw err;
}
