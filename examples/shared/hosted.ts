import { randomBytes } from 'node:crypto';
import { GrantKitError, type ConnectorInput, type GrantKit } from '../../src/index.js';
import { startSandboxOAuthServer, type SandboxOAuthServer } from './sandbox-oauth.js';

/**
 * Hosted OAuth in the examples: the public URL and callback URIs from the
 * environment, the sandbox provider on loopback with its `oauth2` connector, and the real Google
 * and Microsoft connectors when their credentials are set. Shared by the three examples so they
 * behave alike.
 */
export interface ExampleHosted {
  /** grantkit's public base URL (GRANTKIT_PUBLIC_URL, default `http://localhost:<PORT>`), without a trailing slash. */
  readonly publicUrl: string;
  /** The example client's registered callback URIs (GRANTKIT_CALLBACK_URIS, default `http://localhost:<PORT>/callback`). */
  readonly callbackUris: readonly string[];
  /** The callback URI the printed sign-in URL uses: the first one served by the demo `/callback` page if any. */
  readonly demoCallback: string;
  /**
   * The callback URI of the printed v2 sign-in URL: the first one served by the demo
   * `/callback/v2` page, which redeems v2 codes at /oauth/token (a v2 and a v3 code look alike,
   * and the wrong endpoint burns one); the v3 one when none is.
   */
  readonly demoV2Callback: string;
}

/** The connector provider the sandbox signs in through: grantkit's generic OAuth 2.0 connector. */
export const SANDBOX_CONNECTOR = 'oauth2';
/** What a sandbox grant holds when the authorization names no `scope` (the sandbox grants any list). */
export const SANDBOX_DEFAULT_SCOPES = ['email.read_only', 'calendar.read_only', 'contacts.read_only'] as const;
const GOOGLE_DEFAULT_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly'];
const MICROSOFT_DEFAULT_SCOPES = ['Mail.Read'];

/**
 * The hosted settings from the environment and the port actually listened on. The public URL is
 * configuration only, never read from a request's Host or X-Forwarded-* headers: whoever sends the
 * request would otherwise choose where the provider sends the user (and the code) back.
 */
export function hostedSettings(env: NodeJS.ProcessEnv, port: number): ExampleHosted {
  const local = `http://localhost:${port}`;
  const publicUrl = (env['GRANTKIT_PUBLIC_URL'] || local).replace(/\/+$/, '');
  const listed = (env['GRANTKIT_CALLBACK_URIS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const callbackUris = listed.length > 0 ? listed : [`${local}/callback`, `${local}/callback/v2`];
  const served = (path: string): string | undefined => callbackUris.find((u) => URL.canParse(u) && new URL(u).pathname === path);
  const demoCallback = served('/callback') ?? callbackUris[0]!;
  return { publicUrl, callbackUris, demoCallback, demoV2Callback: served('/callback/v2') ?? demoCallback };
}

/** A port from the environment: an integer 0–65535, or the fallback when unset. */
export function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number`);
  return port;
}

export interface HostedProviders {
  /** The sandbox provider the example started (closed with the process). */
  readonly sandbox: SandboxOAuthServer;
  /** The connector providers configured, in the order the start-up message lists them. */
  readonly connectors: readonly string[];
}

/**
 * Starts the sandbox on SANDBOX_PORT (default PORT+1; with PORT=0, 0 too, so tests get a free
 * port) and registers the connectors. The sandbox's client secret is random per start: only this
 * process needs it, and nothing has to keep it.
 */
export async function startHostedProviders(kit: GrantKit, env: NodeJS.ProcessEnv, hosted: ExampleHosted, requestedPort: number): Promise<HostedProviders> {
  const sandboxPort = portFrom(env, 'SANDBOX_PORT', requestedPort === 0 ? 0 : requestedPort + 1);
  const client = { id: 'grantkit-example', secret: randomBytes(24).toString('base64url') };
  let sandbox: SandboxOAuthServer;
  try {
    sandbox = await startSandboxOAuthServer({
      port: sandboxPort,
      host: '127.0.0.1',
      // Registered like a real provider's client: grantkit's callback for the oauth2 connector only.
      clients: [{ id: client.id, secret: client.secret, redirectUris: [`${hosted.publicUrl}/oauth/callback/${SANDBOX_CONNECTOR}`] }],
    });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`grantkit example: the sandbox provider could not listen on 127.0.0.1:${sandboxPort} (${reason}); set SANDBOX_PORT to a free port`);
  }
  const connectors: string[] = [];
  try {
    await upsertConnector(kit, {
      provider: SANDBOX_CONNECTOR,
      name: 'Sandbox',
      clientId: client.id,
      clientSecret: client.secret,
      defaultScopes: [...SANDBOX_DEFAULT_SCOPES],
      // No real provider behind it, so no list to keep to: any scope list is accepted, and granted.
      allowedScopes: null,
      endpoints: { authorizationUrl: sandbox.authorizationUrl, tokenUrl: sandbox.tokenUrl, userinfoUrl: sandbox.userinfoUrl },
    });
    connectors.push(SANDBOX_CONNECTOR);
    const google = credentials(env, 'GOOGLE');
    if (google !== undefined) {
      await upsertConnector(kit, { provider: 'google', name: 'Google', ...google, defaultScopes: GOOGLE_DEFAULT_SCOPES });
      connectors.push('google');
    }
    const microsoft = credentials(env, 'MICROSOFT');
    if (microsoft !== undefined) {
      const tenant = env['MICROSOFT_TENANT'] || 'common';
      await upsertConnector(kit, { provider: 'microsoft', name: 'Microsoft', ...microsoft, settings: { tenant }, defaultScopes: MICROSOFT_DEFAULT_SCOPES });
      connectors.push('microsoft');
    }
  } catch (e) {
    await sandbox.close();
    throw e;
  }
  return { sandbox, connectors };
}

/** `<PREFIX>_CLIENT_ID` and `<PREFIX>_CLIENT_SECRET`: both, or neither (one alone is a mistake worth stopping for). */
function credentials(env: NodeJS.ProcessEnv, prefix: 'GOOGLE' | 'MICROSOFT'): { clientId: string; clientSecret: string } | undefined {
  const clientId = env[`${prefix}_CLIENT_ID`] || undefined;
  const clientSecret = env[`${prefix}_CLIENT_SECRET`] || undefined;
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined || clientSecret === undefined) {
    throw new Error(`grantkit example: set both ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET, or neither`);
  }
  return { clientId, clientSecret };
}

/**
 * Creates the connector, or brings an existing one up to date: a persistent store keeps the
 * connector of the previous run (whose sandbox port and client secret are gone), and instances
 * sharing a store race to create it. Updating keeps the connector's id, so grants made through it
 * still find it.
 */
async function upsertConnector(kit: GrantKit, input: ConnectorInput): Promise<void> {
  const { provider, ...patch } = input;
  if (await kit.connectors.get(provider)) {
    await kit.connectors.update(provider, patch);
    return;
  }
  try {
    await kit.connectors.create(input);
  } catch (e) {
    if (!(e instanceof GrantKitError && e.code === 'conflict')) throw e;
    await kit.connectors.update(provider, patch);
  }
}

/** The hosted sign-in URL for a provider (or, without one, the provider picker). */
export function signInUrl(hosted: ExampleHosted, clientId: string, provider?: string): string {
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: hosted.demoCallback, response_type: 'code' });
  if (provider !== undefined) q.set('provider', provider);
  return `${hosted.publicUrl}/v3/connect/auth?${q.toString()}`;
}

/**
 * The v2 hosted sign-in URL, as the v6 SDK's urlForAuthentication builds it: no provider, so
 * grantkit asks for the email address first (the sandbox signs in any address).
 */
export function v2SignInUrl(hosted: ExampleHosted, clientId: string): string {
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: hosted.demoV2Callback, response_type: 'code', scopes: SANDBOX_DEFAULT_SCOPES.join(',') });
  return `${hosted.publicUrl}/oauth/authorize?${q.toString()}`;
}

/** What the server prints before its "listening" line: where to click, and what to register. Never a secret. */
export function startupMessage(hosted: ExampleHosted, clientId: string, providers: HostedProviders, imapPrivateHosts = false): string {
  const lines = [
    `Sandbox provider (any email address, password "sandbox") on ${providers.sandbox.url}`,
    'Click through the hosted sign-in: open',
    `  ${signInUrl(hosted, clientId, SANDBOX_CONNECTOR)}`,
    `or choose a provider at ${signInUrl(hosted, clientId)}`,
    `or sign in on grantkit's own sandbox form (v3): ${signInUrl(hosted, clientId, 'sandbox')}`,
    `or on its IMAP form (v3): ${signInUrl(hosted, clientId, 'imap')}`,
    `or start a v2 sign-in, which asks for your email address first: ${v2SignInUrl(hosted, clientId)}`,
    `OpenID Connect and OAuth 2.0 clients: the issuer is ${hosted.publicUrl} (${hosted.publicUrl}/.well-known/openid-configuration)`,
    imapPrivateHosts
      ? 'The IMAP form may name a server on this machine or its network (GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS=true): `npm run imap` starts one.'
      : 'The IMAP form takes public servers only; GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS=true lets it use `npm run imap` on this machine.',
  ];
  for (const p of providers.connectors.filter((c) => c !== SANDBOX_CONNECTOR)) {
    lines.push(`${p} connector on; register this redirect URI with ${p}: ${hosted.publicUrl}/oauth/callback/${p}`);
  }
  return lines.join('\n');
}
