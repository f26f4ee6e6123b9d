import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as z from 'zod';
import { OPTION_DEFAULTS, resolveOptions, type GrantKitOptions, type ResolvedOptions } from '../../src/kit/options.js';
import { optionsSchema } from '../../src/kit/options-schema.js';
import { MemoryStore } from '../../src/store/memory.js';
import { DEFAULT_RATE_LIMITS } from '../../src/limits/rate-limits.js';
import { sandboxProvider } from '../../src/providers/sandbox.js';

const good: GrantKitOptions = { clients: [{ id: 'c', secret: 's' }], secretKeys: 'k'.repeat(32) };

/**
 * Every option path of the schema: `clients[].id` for an array's elements, `providerEndpoints.*.tokenUrl`
 * for a record's values, and `rateLimits.*.limit` for a shape several options share.
 */
function schemaPaths(): string[] {
  const seen = new Map<z.ZodType, number>();
  const count = (s: z.ZodType): void => {
    const inner = unwrap(s);
    if (inner instanceof z.ZodObject) {
      seen.set(inner, (seen.get(inner) ?? 0) + 1);
      for (const v of Object.values(inner.shape)) count(v as z.ZodType);
    } else for (const child of children(inner)) count(child.schema);
  };
  const out: string[] = [];
  const walk = (s: z.ZodType, path: string): void => {
    const inner = unwrap(s);
    if (inner instanceof z.ZodObject) {
      // A shape shared by several options is documented once, under `*`.
      const base = (seen.get(inner) ?? 0) > 1 ? path.replace(/\.[^.]+$/, '.*') : path;
      for (const [k, v] of Object.entries(inner.shape)) {
        const p = base === '' ? k : `${base}.${k}`;
        if (!out.includes(p)) out.push(p);
        walk(v as z.ZodType, p);
      }
    } else for (const child of children(inner)) walk(child.schema, path + child.suffix);
  };
  count(optionsSchema);
  walk(optionsSchema, '');
  return out;
}

function unwrap(s: z.ZodType): z.ZodType {
  return s instanceof z.ZodOptional ? unwrap(s.unwrap() as z.ZodType) : s;
}

function children(s: z.ZodType): { schema: z.ZodType; suffix: string }[] {
  if (s instanceof z.ZodUnion) return s.options.map((o) => ({ schema: o as z.ZodType, suffix: '' }));
  if (s instanceof z.ZodArray) return [{ schema: s.element as z.ZodType, suffix: '[]' }];
  if (s instanceof z.ZodRecord) return [{ schema: s.valueType as z.ZodType, suffix: '.*' }];
  return [];
}

/** A concrete path (`clients[0].id`, `rateLimits.secretPerIp.limit`) as the schema names it. */
function schemaPathOf(path: string): string {
  return path
    .replace(/\[\d+\]/g, '[]')
    .replace(/^providerEndpoints\.[^.]+\./, 'providerEndpoints.*.')
    .replace(/^rateLimits\.[^.]+\.(limit|windowSeconds)$/, 'rateLimits.*.$1');
}

const limit = { limit: 1, windowSeconds: 60 };

/** One bad value per option, and the path its error must name. */
const rows: Array<[path: string, patch: Record<string, unknown>]> = [
  ['clients', { clients: [] }],
  ['clients', { clients: [{ id: 'c' }, { id: 'c' }] }],
  ['clients[0].id', { clients: [{ id: '' }] }],
  ['clients[0].secret', { clients: [{ id: 'c', secret: '' }] }],
  ['clients[0].consent', { clients: [{ id: 'c', consent: 'yes' }] }],
  ['clients[0].name', { clients: [{ id: 'c', name: '' }] }],
  ['clients[0].iconUrl', { clients: [{ id: 'c', iconUrl: 'http://app.example/icon.png' }] }],
  ['clients[0].iconUrl', { clients: [{ id: 'c', iconUrl: 'icon.png' }] }],
  ['clients[0].accentColor', { clients: [{ id: 'c', accentColor: 'red' }] }],
  ['clients[0].accentColor', { clients: [{ id: 'c', accentColor: '#12345' }] }],
  ['clients[0].callbackUris[0]', { clients: [{ id: 'c', callbackUris: ['not a url'] }] }],
  ['clients[0].callbackUris[0]', { clients: [{ id: 'c', callbackUris: ['http://app.example/cb'] }] }],
  ['providers[0]', { providers: [{ name: 'x' }] }],
  ['providers', { providers: [sandboxProvider(), sandboxProvider()] }],
  ['store', { store: {} }],
  ['secretKeys', { secretKeys: 'short' }],
  ['defaultScopes', { defaultScopes: 'email,nope' }],
  ['clock', { clock: 5 }],
  ['realm', { realm: 'a\nb' }],
  ['storeTimeoutMs', { storeTimeoutMs: 0 }],
  ['cache', { cache: 'yes' }],
  ['cache.ttlMs', { cache: { ttlMs: 6000 } }],
  ['cache.maxEntries', { cache: { maxEntries: 0 } }],
  ['onError', { onError: 'log' }],
  ['audit', { audit: [] }],
  ['logger', { logger: console }],
  ['logger', { logger: { info() {}, warn() {}, error() {} } }],
  ['telemetry', { telemetry: 'on' }],
  ['requireHttps', { requireHttps: 'always' }],
  ['trustProxy', { trustProxy: 'yes' }],
  ['connectors', { connectors: {} }],
  ['providerEndpoints', { providerEndpoints: 'google' }],
  ['providerEndpoints.google.authorizationUrl', { providerEndpoints: { google: { authorizationUrl: 'nope' } } }],
  ['providerEndpoints.google.tokenUrl', { providerEndpoints: { google: { tokenUrl: 'nope' } } }],
  ['providerEndpoints.google.userinfoUrl', { providerEndpoints: { google: { userinfoUrl: 'nope' } } }],
  ['providerTimeoutMs', { providerTimeoutMs: 60_001 }],
  ['providerLookup', { providerLookup: 'mx' }],
  ['webhooks', { webhooks: {} }],
  ['webhooks[0].url', { webhooks: [{ url: 'ftp://hooks.example', secret: 's'.repeat(16) }] }],
  ['webhooks[0].secret', { webhooks: [{ url: 'https://hooks.example', secret: 'short' }] }],
  ['webhooks[0].types[0]', { webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16), types: ['grant.nope'] }] }],
  ['webhooks[0].timeoutMs', { webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16), timeoutMs: 0 }] }],
  ['webhooks[0].retryDelaysMs', { webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16), retryDelaysMs: 1000 }] }],
  ['webhooks[0].retryDelaysMs[1]', { webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16), retryDelaysMs: [1000, 0] }] }],
  ['webhooks[0].retryDelaysMs', { webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16), retryDelaysMs: Array.from({ length: 21 }, () => 1) }] }],
  ['webhooks[1].url', { webhooks: [{ url: 'https://hooks.example/a?t=1', secret: 's'.repeat(16) }, { url: 'https://hooks.example/a?t=1', secret: 't'.repeat(16) }] }],
  ['webhooks[0].onAttempt', { webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16), onAttempt: 1 }] }],
  ['issuer', { issuer: '' }],
  ['issuer', { issuer: 'grantkit' }],
  ['issuer', { issuer: 'http://auth.example.com' }],
  ['issuer', { issuer: 'https://auth.example.com?tenant=1' }],
  ['issuer', { issuer: 'https://auth.example.com#x' }],
  ['issuer', { issuer: `https://auth.example.com/${'a'.repeat(256)}` }],
  ['rateLimits', { rateLimits: true }],
  ['rateLimits', { rateLimits: { loginPerIP: limit } }],
  ['rateLimits.loginPerAddressAndIp', { rateLimits: { loginPerAddressAndIp: true } }],
  ['rateLimits.loginPerAddress', { rateLimits: { loginPerAddress: 5 } }],
  ['rateLimits.loginPerIp', { rateLimits: { loginPerIp: 'off' } }],
  ['rateLimits.secretPerIp', { rateLimits: { secretPerIp: null } }],
  ['rateLimits.detectPerClient', { rateLimits: { detectPerClient: [] } }],
  ['rateLimits.secretPerIp.limit', { rateLimits: { secretPerIp: { limit: 0, windowSeconds: 1 } } }],
  ['rateLimits.loginPerIp.windowSeconds', { rateLimits: { loginPerIp: { limit: 1, windowSeconds: 31 * 86_400 } } }],
  ['rateLimits.skip', { rateLimits: { skip: '127.0.0.1' } }],
  ['hostedOAuth', { hostedOAuth: 'on' }],
  ['hostedOAuth.publicUrl', { hostedOAuth: { publicUrl: 'ftp://auth.example' } }],
  ['hostedOAuth.accessTokenTtlSeconds', { hostedOAuth: { accessTokenTtlSeconds: 1.5 } }],
  ['hostedOAuth.refreshTokenIdleSeconds', { hostedOAuth: { refreshTokenIdleSeconds: -1 } }],
  ['hostedOAuth.refreshTokenMaxSeconds', { hostedOAuth: { refreshTokenMaxSeconds: '1y' } }],
  ['hostedOAuth.allowTokenResponse', { hostedOAuth: { allowTokenResponse: 'yes' } }],
  ['hostedOAuth.allowPlainPkce', { hostedOAuth: { allowPlainPkce: 1 } }],
  ['hostedOAuth.corsOrigins[0]', { hostedOAuth: { corsOrigins: ['not a url'] } }],
  ['hostedOAuth.idTokenKey', { hostedOAuth: { idTokenKey: 'pem' } }],
  ['hostedOAuth.idTokenKey.privateKeyPem', { hostedOAuth: { idTokenKey: { privateKeyPem: 'not a key' } } }],
  ['hostedOAuth.idTokenKey.alg', { hostedOAuth: { idTokenKey: { privateKeyPem: 'PRIVATE KEY', alg: 'HS256' } } }],
  ['hostedOAuth.idTokenKey.kid', { hostedOAuth: { idTokenKey: { privateKeyPem: 'PRIVATE KEY', kid: '' } } }],
];

describe('resolveOptions: every misuse is a TypeError that names the option', () => {
  for (const [path, patch] of rows) {
    it(`${path} ← ${JSON.stringify(Object.values(patch)[0]) ?? 'a function'}`, () => {
      assert.throws(
        () => resolveOptions({ ...good, ...patch } as GrantKitOptions),
        (err: unknown) => {
          assert.ok(err instanceof TypeError, 'a TypeError');
          assert.equal((err as TypeError & { code?: unknown }).code, 'ERR_INVALID_ARG_VALUE');
          assert.ok(err.message.startsWith(`grantkit: option "${path}" `), err.message);
          return true;
        },
      );
    });
  }

  it('has a row for every option of the schema', () => {
    const covered = new Set(rows.map(([path]) => schemaPathOf(path)));
    const missing = schemaPaths().filter((p) => !covered.has(p) && ![...covered].some((c) => c.startsWith(`${p}[]`)));
    assert.deepEqual(missing, []);
  });

  it('says what a number must be', () => {
    assert.throws(
      () => resolveOptions({ ...good, hostedOAuth: { accessTokenTtlSeconds: 0 } }),
      /^TypeError: grantkit: option "hostedOAuth\.accessTokenTtlSeconds" must be a positive integer$/,
    );
  });
});

describe('resolveOptions: one frozen object with every default filled', () => {
  const resolved = resolveOptions(good);

  it('fills every default', () => {
    assert.ok(resolved.store instanceof MemoryStore);
    assert.equal(resolved.connectors, resolved.store, 'a MemoryStore keeps connectors too');
    assert.equal(resolved.clock, Date.now);
    assert.equal(typeof resolved.onError, 'function');
    assert.equal(resolved.providerLookup, undefined);
    assert.equal(resolved.rateLimits.skip('127.0.0.1'), false);
    assert.equal(resolved.audit, undefined);
    assert.equal(resolved.logger, undefined);
    const { store: _s, connectors: _c, clock: _k, onError: _o, providerLookup: _l, audit: _a, logger: _g, ...data } = resolved;
    const { skip: _skip, ...limits } = data.rateLimits;
    assert.deepEqual(
      { ...data, rateLimits: limits },
      {
        clients: [{ id: 'c', secret: 's', callbackUris: [] }],
        providers: [],
        secretKeys: ['k'.repeat(32)],
        defaultScopes: ['email', 'calendar', 'contacts'],
        realm: 'grantkit',
        storeTimeoutMs: 2000,
        cache: false,
        requireHttps: process.env['NODE_ENV'] === 'production',
        providerEndpoints: {},
        providerTimeoutMs: 5000,
        webhooks: [],
        issuer: 'grantkit',
        hostedOAuth: {
          publicUrl: undefined,
          accessTokenTtlSeconds: 3600,
          refreshTokenIdleSeconds: 30 * 86_400,
          refreshTokenMaxSeconds: 365 * 86_400,
          allowTokenResponse: false,
          allowPlainPkce: false,
          corsOrigins: [],
          idTokenKey: undefined,
        },
        rateLimits: DEFAULT_RATE_LIMITS,
        telemetry: true,
      },
    );
  });

  it('fills the defaults inside nested options', () => {
    const r = resolveOptions({
      ...good,
      cache: true,
      webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16) }],
      rateLimits: { loginPerIp: false },
      hostedOAuth: { publicUrl: 'https://auth.example/base//', idTokenKey: { privateKeyPem: '-----BEGIN PRIVATE KEY-----' } },
      requireHttps: 'production',
    });
    assert.deepEqual(r.cache, OPTION_DEFAULTS.cache);
    assert.equal(r.webhooks[0]!.timeoutMs, 10_000);
    assert.deepEqual(r.webhooks[0]!.types, ['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired']);
    assert.deepEqual(r.webhooks[0]!.retryDelaysMs, [1_000, 5_000, 30_000, 120_000, 600_000]);
    assert.equal(r.rateLimits.loginPerIp, false);
    assert.deepEqual(r.rateLimits.secretPerIp, DEFAULT_RATE_LIMITS.secretPerIp);
    assert.equal(r.hostedOAuth.publicUrl, 'https://auth.example/base');
    assert.equal(r.hostedOAuth.idTokenKey?.alg, 'RS256');
    assert.equal(r.requireHttps, process.env['NODE_ENV'] === 'production');
    assert.deepEqual(Object.values(resolveOptions({ ...good, rateLimits: false }).rateLimits).filter((v) => v !== false).length, 1);
  });

  it('the issuer: the public URL by default, the option when given (https, or http on loopback)', () => {
    assert.equal(resolveOptions({ ...good, hostedOAuth: { publicUrl: 'https://auth.example/base/' } }).issuer, 'https://auth.example/base');
    const named = resolveOptions({ ...good, issuer: 'https://id.example', hostedOAuth: { publicUrl: 'https://auth.example' } });
    assert.equal(named.issuer, 'https://id.example');
    assert.equal(resolveOptions({ ...good, issuer: 'http://localhost:3000' }).issuer, 'http://localhost:3000');
    assert.equal(resolveOptions({ ...good, issuer: 'http://127.0.0.1:3000/auth' }).issuer, 'http://127.0.0.1:3000/auth');
    assert.equal(resolveOptions(good).issuer, OPTION_DEFAULTS.issuer, 'no public URL: the old name');
    assert.throws(
      () => resolveOptions({ ...good, issuer: 'http://auth.example.com' }),
      /^TypeError: grantkit: option "issuer" must be an https URL without query or fragment \(http only for localhost and 127\.0\.0\.1\)$/,
    );
  });

  it('is deeply frozen, and leaves the caller\'s objects alone', () => {
    const provider = sandboxProvider();
    const given: GrantKitOptions = {
      ...good,
      providers: [provider],
      cache: { ttlMs: 1000 },
      webhooks: [{ url: 'https://hooks.example', secret: 's'.repeat(16), types: ['grant.created'] }],
      providerEndpoints: { google: { tokenUrl: 'http://127.0.0.1:9/token' } },
      rateLimits: { secretPerIp: { limit: 3, windowSeconds: 60 } },
      hostedOAuth: { corsOrigins: ['https://spa.example'] },
    };
    const r = resolveOptions(given);
    assertDeeplyFrozen(r, 'options', new Set<unknown>([r.store, r.connectors, provider]));
    assert.equal(Object.isFrozen(provider), false, 'a provider is the app\'s own object');
    assert.equal(Object.isFrozen(given), false);
    assert.equal(Object.isFrozen(given.webhooks![0]), false);
    assert.equal(r.providers[0], provider);
  });
});

function assertDeeplyFrozen(value: unknown, path: string, appObjects: ReadonlySet<unknown>): void {
  if (typeof value !== 'object' || value === null || appObjects.has(value)) return;
  assert.ok(Object.isFrozen(value), `${path} is frozen`);
  for (const [k, v] of Object.entries(value)) assertDeeplyFrozen(v, `${path}.${k}`, appObjects);
}

describe('docs/configuration.md', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

  it('documents every option of the schema, by its path', () => {
    const missing = schemaPaths().filter((p) => !doc.includes(`\`${p}\``));
    assert.deepEqual(missing, [], 'options missing from docs/configuration.md');
  });

  it('gives every option of the schema a row with its default', () => {
    const rows = documentedRows(doc);
    const missing = schemaPaths().filter((p) => rows.get(p) === undefined || rows.get(p)!.default === '');
    assert.deepEqual(missing, [], 'options without a row that states a default');
  });

  it('states each value of OPTION_DEFAULTS in its option\'s row', () => {
    const rows = documentedRows(doc);
    const stated = documentedDefaults();
    assert.deepEqual([...stated.keys()].sort(), defaultPaths().sort(), 'every default of OPTION_DEFAULTS is checked here');
    const wrong = [...stated]
      .filter(([, { row, says }]) => !states(rows.get(row)?.default ?? '', says))
      .map(([key, { row, says }]) => `${key}: the ${row} row says "${rows.get(row)?.default}", not ${says}`);
    assert.deepEqual(wrong, []);
  });

  it('states the defaults the resolver applies', () => {
    const r: ResolvedOptions = resolveOptions(good);
    for (const [name, value] of [
      ['storeTimeoutMs', r.storeTimeoutMs],
      ['providerTimeoutMs', r.providerTimeoutMs],
      ['hostedOAuth.accessTokenTtlSeconds', r.hostedOAuth.accessTokenTtlSeconds],
    ] as const) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      assert.ok(row?.includes(String(value)), `${name} row states ${value}`);
    }
  });
});

/** The option tables of the document: each row's option path and its default cell. */
function documentedRows(doc: string): Map<string, { readonly default: string }> {
  const rows = new Map<string, { readonly default: string }>();
  for (const line of doc.split('\n')) {
    // | `option` | type | default | meaning |, with `\|` inside a cell
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    const option = /^`([^`]+)`$/.exec(cells[0] ?? '');
    if (option && cells.length === 4) rows.set(option[1]!, { default: cells[2]! });
  }
  return rows;
}

/** Whether a cell holds the text as a whole value: `15000` does not state 5000. */
function states(cell: string, text: string): boolean {
  return new RegExp(`(^|[^\\w])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`).test(cell);
}

/** Each leaf of OPTION_DEFAULTS: `realm`, `cache.ttlMs`, `rateLimits.loginPerIp`. */
function defaultPaths(): string[] {
  return Object.entries(OPTION_DEFAULTS).flatMap(([key, value]) =>
    typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).map((k) => `${key}.${k}`) : [key],
  );
}

/** How the document writes each default: the row it belongs to and the text its default cell holds. */
function documentedDefaults(): Map<string, { readonly row: string; readonly says: string }> {
  const d = OPTION_DEFAULTS;
  const entries: [key: string, row: string, says: string][] = [
    ['defaultScopes', 'defaultScopes', d.defaultScopes.join(',')],
    ['realm', 'realm', d.realm],
    ['issuer', 'issuer', d.issuer],
    ['storeTimeoutMs', 'storeTimeoutMs', String(d.storeTimeoutMs)],
    ['providerTimeoutMs', 'providerTimeoutMs', String(d.providerTimeoutMs)],
    ['requireHttps', 'requireHttps', `'${d.requireHttps}'`],
    ['cache.ttlMs', 'cache.ttlMs', String(d.cache.ttlMs)],
    ['cache.maxEntries', 'cache.maxEntries', String(d.cache.maxEntries)],
    ['webhookTimeoutMs', 'webhooks[].timeoutMs', String(d.webhookTimeoutMs)],
    ['webhookRetryDelaysMs', 'webhooks[].retryDelaysMs', `[${d.webhookRetryDelaysMs.join(', ')}]`],
    ['webhookTypes', 'webhooks[].types', `all ${['none', 'one', 'two', 'three', 'four', 'five'][d.webhookTypes.length]}`],
    ['hostedOAuth.accessTokenTtlSeconds', 'hostedOAuth.accessTokenTtlSeconds', String(d.hostedOAuth.accessTokenTtlSeconds)],
    ['hostedOAuth.refreshTokenIdleSeconds', 'hostedOAuth.refreshTokenIdleSeconds', String(d.hostedOAuth.refreshTokenIdleSeconds)],
    ['hostedOAuth.refreshTokenMaxSeconds', 'hostedOAuth.refreshTokenMaxSeconds', String(d.hostedOAuth.refreshTokenMaxSeconds)],
    ['hostedOAuth.allowTokenResponse', 'hostedOAuth.allowTokenResponse', String(d.hostedOAuth.allowTokenResponse)],
    ['hostedOAuth.allowPlainPkce', 'hostedOAuth.allowPlainPkce', String(d.hostedOAuth.allowPlainPkce)],
    ['hostedOAuth.idTokenAlg', 'hostedOAuth.idTokenKey.alg', `'${d.hostedOAuth.idTokenAlg}'`],
    ...Object.entries(d.rateLimits).map(([name, l]): [string, string, string] => [`rateLimits.${name}`, `rateLimits.${name}`, `${l.limit} per ${windowInWords(l.windowSeconds)}`]),
  ];
  return new Map(entries.map(([key, row, says]) => [key, { row, says }]));
}

/** A rate-limit window as the document words it: `minute`, `15 minutes`, `hour`. */
function windowInWords(seconds: number): string {
  for (const [unit, length] of [['day', 86_400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds % length === 0) return seconds === length ? unit : `${seconds / length} ${unit}s`;
  }
  return `${seconds} seconds`;
}
