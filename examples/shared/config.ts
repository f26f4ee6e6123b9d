import { createGrantKit, imapProvider, sandboxProvider, type GrantKit, type Store, type WebhookEndpoint } from '../../src/index.js';
import { isSharedStore, parseStoreUrl, storeFromUrl } from '../../src/store/from-url.js';
import { hostedSettings, portFrom, startHostedProviders, type ExampleHosted, type HostedProviders } from './hosted.js';

/**
 * The configuration every example reads from the environment, so `npm start`, `npm run start:koa`
 * and `npm run start:decorators` behave alike. Without settings it uses the fixed development
 * values the README prints, and says so; it never prints a secret.
 */
export const DEV_CLIENT_ID = 'grantkit-dev-client';
export const DEV_CLIENT_SECRET = 'grantkit-dev-secret';
export const DEV_SECRET_KEY = 'grantkit-development-key-do-not-use-in-production';
/** The v3 API key the example accepts when GRANTKIT_API_KEY is not set (20+ characters, as the README prints it). */
export const DEV_API_KEY = 'grantkit-dev-api-key-do-not-use-in-production';
/**
 * Grants survive a restart by default. That needs a stable GRANTKIT_SECRET_KEY too: provider
 * settings are sealed under it, and a new key cannot open what the old one sealed.
 */
export const DEFAULT_STORE = 'sqlite:./grantkit.db';

export interface ExampleConfig {
  /** The port listened on (the actual one when the server is already listening), else PORT. */
  readonly port: number;
  readonly clientId: string;
  /** The example client's secret: the demo `/callback/v2` page redeems v2 codes with it, on the server. Never printed. */
  readonly clientSecret: string;
  readonly kit: GrantKit;
  /** Public URL and callback URIs of hosted OAuth. */
  readonly hosted: ExampleHosted;
  /** Settles once GRANTKIT_API_KEY is registered with the kit's store. */
  readonly apiKeyReady: Promise<unknown>;
  /** Whether the IMAP form may name a host on this machine or its network (GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS=true). */
  readonly imapPrivateHosts: boolean;
}

export interface ExampleStore {
  readonly store: Store;
  /** Turn the per-instance grant cache on (for stores that several instances share). */
  readonly cache: boolean;
}

/** What the servers get: the configuration, and the hosted providers started for it. */
export interface LoadedExampleConfig extends ExampleConfig {
  readonly providers: HostedProviders;
}

/** The settings whose development values are printed in the README, and so are no secret at all. */
const DEV_SECRETS: ReadonlyArray<readonly [string, string]> = [
  ['GRANTKIT_CLIENT_SECRET', DEV_CLIENT_SECRET],
  ['GRANTKIT_SECRET_KEY', DEV_SECRET_KEY],
  ['GRANTKIT_API_KEY', DEV_API_KEY],
];

/** Which of those the example would use: unset, empty, or set to the README's value. */
export function devSecretsInUse(env: NodeJS.ProcessEnv = process.env): string[] {
  return DEV_SECRETS.filter(([name, dev]) => !env[name] || env[name] === dev).map(([name]) => name);
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const v = host.replace(/^\[|\]$/g, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v) || v === '::1';
}

/**
 * The address the example listens on: 127.0.0.1 unless HOST says otherwise. Anything beyond this
 * machine (0.0.0.0, a LAN address, ...) is refused while a development secret is in use: anyone
 * who can reach the port could then mint API calls with the README's public values.
 */
export function exampleHost(env: NodeJS.ProcessEnv = process.env): string {
  const host = env['HOST'] || '127.0.0.1';
  if (isLoopbackHost(host)) return host;
  const dev = devSecretsInUse(env);
  if (dev.length > 0) {
    throw new Error(
      `grantkit example: refusing to listen on HOST=${host} with the development value of ${dev.join(', ')}. ` +
        'Those values are printed in the README, so anyone who can reach this address could use them. ' +
        'Set them to secrets of your own, or leave HOST unset to listen on 127.0.0.1 only.',
    );
  }
  return host;
}

/** PORT from the environment (default 3000; 0 picks a free port). */
export function examplePort(env: NodeJS.ProcessEnv = process.env): number {
  return portFrom(env, 'PORT', 3000);
}

/**
 * What the servers call: the store named by GRANTKIT_STORE (memory, sqlite:PATH, postgres://…,
 * redis://…; default sqlite:./grantkit.db), then the rest of the configuration. Async because the
 * store's driver is loaded only when asked for; a PostgreSQL schema is migrated here, at start-up,
 * and shared stores get the grant cache. `listeningPort` is the port the server got (PORT=0 picks
 * one), which the default public URL and callback URI name; the sandbox provider starts here.
 */
export async function loadExampleConfig(
  env: NodeJS.ProcessEnv = process.env,
  warn: (m: string) => void = console.warn,
  listeningPort?: number,
): Promise<LoadedExampleConfig> {
  const url = env['GRANTKIT_STORE'] || DEFAULT_STORE;
  const spec = parseStoreUrl(url);
  const store = await storeFromUrl(url);
  // Idempotent and serialised between instances, so every instance may run it as it starts.
  await store.migrate?.();
  // Instances sharing a store keep a local cache of resolved tokens; the store's broadcast tells
  // each of them about a revocation within a second, and entries expire after 5 s regardless.
  const config = exampleConfig(env, warn, { store, cache: isSharedStore(spec) }, listeningPort);
  await config.kit.ready();
  await config.apiKeyReady;
  const providers = await startHostedProviders(config.kit, env, config.hosted, examplePort(env));
  return { ...config, providers };
}

/**
 * The configuration from the environment, with a store already made (default: in memory, for
 * tests that build the apps in-process). Hosted OAuth is configured, but its connectors are
 * registered by loadExampleConfig, which starts the sandbox provider they point at.
 */
export function exampleConfig(
  env: NodeJS.ProcessEnv = process.env,
  warn: (m: string) => void = console.warn,
  storage?: ExampleStore,
  listeningPort?: number,
): ExampleConfig {
  const pick = (name: string, fallback: string, minLength = 1): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      warn(`grantkit example: ${name} is not set; using the development value from the README. Do not use it in production.`);
      return fallback;
    }
    if (value.length < minLength) throw new Error(`${name} must be at least ${minLength} characters long`);
    return value;
  };
  const clientId = pick('GRANTKIT_CLIENT_ID', DEV_CLIENT_ID);
  const clientSecret = pick('GRANTKIT_CLIENT_SECRET', DEV_CLIENT_SECRET);
  const secretKey = pick('GRANTKIT_SECRET_KEY', DEV_SECRET_KEY, 32);
  // Taken exactly as given: any string of 20+ characters (it travels as `Authorization: Bearer <key>`).
  const apiKey = pick('GRANTKIT_API_KEY', DEV_API_KEY, 20);
  const port = listeningPort ?? examplePort(env);
  const hosted = hostedSettings(env, port);
  // Off unless asked for: a user-typed IMAP host could otherwise reach into this machine's network
  // (`npm run imap` is such a host, on loopback).
  const imapPrivateHosts = env['GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS'] === 'true';
  const kit = createGrantKit({
    clients: [{ id: clientId, secret: clientSecret, callbackUris: hosted.callbackUris }],
    secretKeys: [secretKey],
    // The sandbox, and IMAP with the user's own server: both sign in on grantkit's credential forms.
    providers: [sandboxProvider(), imapProvider({ allowPrivateHosts: imapPrivateHosts })],
    hostedOAuth: { publicUrl: hosted.publicUrl },
    webhooks: exampleWebhooks(env),
    ...(storage === undefined ? {} : { store: storage.store, cache: storage.cache }),
  });
  // The v3 API key is stored as its hash; importing it again on every start is idempotent.
  const apiKeyReady = kit.apiKeys.import(apiKey, { label: 'GRANTKIT_API_KEY' });
  apiKeyReady.catch((e: unknown) => warn(`grantkit example: GRANTKIT_API_KEY: ${e instanceof Error ? e.message : String(e)}`));
  return { port, clientId, clientSecret, kit, hosted, apiKeyReady, imapPrivateHosts };
}

/**
 * GRANTKIT_WEBHOOK_URL, with GRANTKIT_WEBHOOK_SECRET (16+ characters, no development value: a
 * receiver must be told it), POSTs every grant event there, signed. Unset: no webhooks.
 */
export function exampleWebhooks(env: NodeJS.ProcessEnv): WebhookEndpoint[] {
  const url = env['GRANTKIT_WEBHOOK_URL'];
  if (!url) return [];
  const secret = env['GRANTKIT_WEBHOOK_SECRET'];
  if (!secret) throw new Error('GRANTKIT_WEBHOOK_SECRET must be set when GRANTKIT_WEBHOOK_URL is');
  return [{ url, secret }];
}
