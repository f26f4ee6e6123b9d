import * as z from 'zod';
import type { NativeProvider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { ConnectorStore } from '../connectors/connector-records.js';
import type { WebhookEndpoint } from '../webhooks/delivery.js';
import type { ProviderLookup } from '../providers/detect.js';
import type { AuditSink } from '../audit/events.js';
import type { Logger } from '../audit/logger.js';
import { isAllowedCallbackScheme } from '../oauth/callback-uri.js';

/**
 * The shape of every option, as data: what each may hold, with the words a misuse is reported in.
 * Checks that relate two options, and the defaults, are in options.ts; this file only says what a
 * single value may be. The docs test walks this schema, so an option added here must be added to
 * docs/configuration.md too.
 */

/** A start-up mistake: a TypeError with Node's code for a bad argument, naming the option's path. */
export function optionError(path: string, message: string): TypeError {
  const err = new TypeError(`grantkit: option "${path}" ${message}`);
  Object.defineProperty(err, 'code', { value: 'ERR_INVALID_ARG_VALUE', enumerable: true });
  return err;
}

function positiveInt(max?: number) {
  const message = 'must be a positive integer';
  const n = z.number({ error: message }).int({ error: message }).positive({ error: message });
  return max === undefined ? n : n.max(max, { error: `must be at most ${max}` });
}

/** An object with these methods: a duck-typed check, since stores and providers are classes of the app's own. */
function withMethods<T>(methods: readonly string[], message: string) {
  return z.custom<T>(
    (v) => typeof v === 'object' && v !== null && methods.every((m) => m in v && typeof Reflect.get(v, m) === 'function'),
    message,
  );
}

function fn<T>() {
  return z.custom<T>((f) => typeof f === 'function', 'must be a function');
}

const nonEmpty = z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string');
const anyUrl = z.url({ error: 'must be a URL' });
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' });
/**
 * An issuer identifier (RFC 8414 section 2, OpenID Connect Discovery): clients compare it with the
 * `iss` of every id_token and authorization response, so it must be a URL they can trust, https
 * (http only on loopback, for development) and without query or fragment.
 */
const issuerUrl = z
  .string({ error: 'must be a string' })
  .max(256, 'must be at most 256 characters')
  .refine((v) => isAllowedCallbackScheme(v) && !/[?#]/.test(v), {
    error: 'must be an https URL without query or fragment (http only for localhost and 127.0.0.1)',
  });
const secretKey = z.string({ error: 'must be a string' }).min(32, 'must be at least 32 characters');

const rateLimit = z.union(
  [z.literal(false), z.object({ limit: positiveInt(), windowSeconds: positiveInt(30 * 86_400) })],
  { error: 'must be false or { limit, windowSeconds }' },
);

/** Every option grantkit reads. Unknown keys are ignored at the top level, as they always were. */
export const optionsSchema = z.object({
  clients: z
    .array(
      z.object({
        id: nonEmpty.max(256, 'must be at most 256 characters'),
        secret: nonEmpty.optional(),
        callbackUris: z.array(anyUrl, { error: 'must be an array of URLs' }).optional(),
        consent: z.boolean({ error: 'must be a boolean' }).optional(),
        name: nonEmpty.max(100, 'must be at most 100 characters').optional(),
        iconUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
        accentColor: z
          .string({ error: 'must be a hex colour, #rgb or #rrggbb' })
          .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a hex colour, #rgb or #rrggbb')
          .optional(),
      }),
      { error: 'must be an array of clients' },
    )
    .min(1, 'needs at least one client'),
  providers: z
    .array(withMethods<NativeProvider>(['verify'], 'must be a provider object with a verify() method'), {
      error: 'must be an array of providers',
    })
    .optional(),
  store: withMethods<Store>(['resolve'], 'must implement the Store interface').optional(),
  secretKeys: z.union([secretKey, z.array(secretKey).min(1, 'needs at least one key')], {
    error: 'must be a string of at least 32 characters, or an array of them',
  }),
  defaultScopes: z
    .union([z.string(), z.array(z.string())], { error: 'must be a comma-separated string or an array of scope names' })
    .optional(),
  clock: fn<() => number>().optional(),
  realm: z.string({ error: 'must be a string' }).regex(/^[\x20-\x7e]{1,64}$/, 'must be 1 to 64 printable characters').optional(),
  storeTimeoutMs: positiveInt(60_000).optional(),
  cache: z
    .union([z.boolean(), z.object({ ttlMs: positiveInt(5000).optional(), maxEntries: positiveInt().optional() })], {
      error: 'must be a boolean or { ttlMs, maxEntries }',
    })
    .optional(),
  onError: fn<(e: unknown) => void>().optional(),
  audit: fn<AuditSink>().optional(),
  logger: withMethods<Logger>(['info', 'warn', 'error', 'child'], 'must be a pino-compatible logger (info, warn, error, child)').optional(),
  telemetry: z.boolean({ error: 'must be a boolean' }).optional(),
  requireHttps: z.union([z.boolean(), z.literal('production')], { error: 'must be true, false or "production"' }).optional(),
  trustProxy: z.boolean({ error: 'must be a boolean' }).optional(),
  connectors: withMethods<ConnectorStore>(['getConnector'], 'must implement the ConnectorStore interface').optional(),
  providerEndpoints: z
    .record(
      z.string(),
      z.object({ authorizationUrl: anyUrl.optional(), tokenUrl: anyUrl.optional(), userinfoUrl: anyUrl.optional() }),
      { error: 'must map provider names to endpoint URLs' },
    )
    .optional(),
  providerTimeoutMs: positiveInt(60_000).optional(),
  providerLookup: fn<ProviderLookup>().optional(),
  webhooks: z
    .array(
      z.object({
        url: httpUrl,
        secret: z.string({ error: 'must be a string' }).min(16, 'must be at least 16 characters'),
        types: z
          .array(z.enum(['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired'], { error: 'must name grant events' }))
          .optional(),
        timeoutMs: positiveInt(60_000).optional(),
        retryDelaysMs: z.array(positiveInt(86_400_000), { error: 'must be an array of waits in milliseconds' }).max(20, 'must list at most 20 waits').optional(),
        onAttempt: fn<NonNullable<WebhookEndpoint['onAttempt']>>().optional(),
      }),
      { error: 'must be an array of webhook endpoints' },
    )
    // The URL names an endpoint in the store's delivery queue. The message gives the index, not the
    // URL, which may carry a token.
    .superRefine((list, ctx) =>
      list.forEach((w, i) => {
        const first = list.findIndex((other) => other.url === w.url);
        if (first < i) ctx.addIssue({ code: 'custom', path: [i, 'url'], message: `is the URL of webhooks[${first}]; give each endpoint its own` });
      }),
    )
    .optional(),
  issuer: issuerUrl.optional(),
  rateLimits: z
    .union(
      [
        z.literal(false),
        z
          .object({
            loginPerAddressAndIp: rateLimit.optional(),
            loginPerAddress: rateLimit.optional(),
            loginPerIp: rateLimit.optional(),
            secretPerIp: rateLimit.optional(),
            detectPerClient: rateLimit.optional(),
            skip: fn<(ip: string) => boolean>().optional(),
          })
          .strict(),
      ],
      { error: 'must be false or an object of limits' },
    )
    .optional(),
  hostedOAuth: z
    .object(
      {
        publicUrl: httpUrl.optional(),
        accessTokenTtlSeconds: positiveInt(86_400).optional(),
        refreshTokenIdleSeconds: positiveInt().optional(),
        refreshTokenMaxSeconds: positiveInt().optional(),
        allowTokenResponse: z.boolean({ error: 'must be a boolean' }).optional(),
        allowPlainPkce: z.boolean({ error: 'must be a boolean' }).optional(),
        corsOrigins: z.array(httpUrl, { error: 'must be an array of origins' }).optional(),
        idTokenKey: z
          .object(
            {
              privateKeyPem: z.string({ error: 'must be a PKCS#8 PEM private key' }).includes('PRIVATE KEY', {
                message: 'must be a PKCS#8 PEM private key',
              }),
              alg: z.enum(['RS256', 'ES256', 'PS256'], { error: 'must be RS256, ES256 or PS256' }).optional(),
              kid: z.string({ error: 'must be a string' }).min(1, 'must be 1 to 128 characters').max(128, 'must be 1 to 128 characters').optional(),
            },
            { error: 'must be { privateKeyPem, alg?, kid? }' },
          )
          .optional(),
      },
      { error: 'must be an object' },
    )
    .optional(),
});

/** Checks each value against the schema; the first mistake throws, naming its path (`clients[0].id`). */
export function checkShapes(options: unknown): void {
  const result = optionsSchema.safeParse(options);
  if (result.success) return;
  const { path, message } = specific(result.error.issues[0]!);
  const named = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  throw optionError(named || 'options', message);
}

interface Mistake {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The most specific report of an issue. When a value matches no branch of a union, the branch that
 * got furthest (an object whose `limit` is 0, rather than "not false") says what is wrong, and where.
 */
function specific(issue: z.core.$ZodIssue): Mistake {
  if (issue.code === 'invalid_union') {
    let best: Mistake | undefined;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (first === undefined) continue;
      const inner = specific(first);
      if (inner.path.length > 0 && (best === undefined || inner.path.length > best.path.length)) best = inner;
    }
    if (best !== undefined) return { path: [...issue.path, ...best.path], message: best.message };
  }
  return { path: issue.path, message: issue.message };
}
