import type { Connectors } from '../connectors/connectors.js';
import { GrantKitError } from '../errors/error.js';
import type { GrantRecord } from '../store/records.js';
import { expireGrant } from '../grants/lifecycle.js';
import { connectorOfProvider } from './families.js';
import { isJsonObject } from '../http/json-object.js';
import type { KitFoundation } from '../kit/foundation.js';
import { isImplicitTls } from './mail-presets.js';
import {
  InvalidRefreshTokenError,
  isOAuthNativeProvider,
  refreshAccessToken,
  RefreshRefusedError,
  type RefreshRequest,
} from './oauth-refresh.js';

/**
 * Provider access for the app's backend: a fresh Gmail or Graph access token
 * for a grant, and the server settings of an IMAP-family grant.
 *
 * Where a grant's refresh token is, by how it was made (all inside the sealed settings):
 * - v2 `gmail` / `office365` native auth: `google_*` / `microsoft_*` settings, refreshed at the
 *   token URL of the registered googleProvider / microsoftProvider;
 * - v3 custom auth and hosted OAuth: `refresh_token`, refreshed with the client of the grant's
 *   connector (or of `credential_id`, an override credential) at the connector's token URL.
 *
 * The provider access token is cached in memory only, per process, until 60 s before it expires.
 * It is never written to the store: a bearer token for the user's mailbox would otherwise sit in
 * every backup, and minting a new one costs one request per process per hour. A rotated refresh
 * token (Microsoft rotates) is written back, sealed, since the old one may stop working.
 *
 * Concurrent callers for one grant share one refresh (single-flight, per process). Only the
 * provider's `invalid_grant` marks the grant invalid; a provider that cannot be reached leaves it
 * valid and surfaces as `provider_error` (502).
 */
export interface ProviderAccessToken {
  readonly accessToken: string;
  /** Milliseconds since the epoch, on the kit's clock. */
  readonly expiresAt: number;
}

/** Connection settings for an IMAP or SMTP client, in the shape imapflow and nodemailer take. */
export interface MailServerSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (ports 993 and 465). */
  readonly secure: boolean;
  /** When not `secure`: upgrade with STARTTLS or fail (imapflow's `doSTARTTLS`, nodemailer's `requireTLS`). */
  readonly requireTLS: boolean;
  readonly auth: { readonly user: string; readonly pass: string };
}

export interface ProviderServerSettings {
  readonly imap: MailServerSettings;
  /** Undefined when the grant was made without SMTP settings. */
  readonly smtp: MailServerSettings | undefined;
}

/** The OAuth client a connector-made grant refreshes with. */
export type ConnectorClientLookup = (
  grant: GrantRecord,
  settings: Readonly<Record<string, unknown>>,
) => Promise<Omit<RefreshRequest, 'refreshToken'> | undefined>;

/** Refresh this long before the provider's expiry, so a token handed out is good for a request or two. */
const EXPIRY_SKEW_MS = 60_000;
/** When the provider does not say (`expires_in` is RECOMMENDED, not required). */
const DEFAULT_LIFETIME_S = 3600;
const MAX_CACHED = 10_000;

interface Cached extends ProviderAccessToken {
  /** The sealed settings the token was minted from: a re-authentication changes them and drops the token. */
  readonly sealed: string;
}

export class ProviderAccess {
  /** The grants, the keyring, the native providers and the clock. */
  readonly #f: KitFoundation;
  /** Connector-made grants refresh with their connector's client. */
  readonly #connectors: Connectors;
  readonly #cache = new Map<string, Cached>();
  readonly #inflight = new Map<string, Promise<ProviderAccessToken>>();

  constructor(foundation: KitFoundation, connectors: Connectors) {
    this.#f = foundation;
    this.#connectors = connectors;
  }

  async accessToken(grantId: string): Promise<ProviderAccessToken> {
    const grant = await this.#validGrant(grantId);
    const cached = this.#cache.get(grantId);
    if (cached !== undefined && cached.sealed === grant.settings && cached.expiresAt - EXPIRY_SKEW_MS > this.#f.now()) {
      return { accessToken: cached.accessToken, expiresAt: cached.expiresAt };
    }
    // Hosted OAuth seals the access token it got at sign-in (`access_token`, `access_token_expires_at`):
    // use it while it is fresh rather than refreshing at once.
    const stored = this.#storedToken(grant);
    if (stored !== undefined) return stored;
    let flight = this.#inflight.get(grantId);
    if (flight === undefined) {
      flight = this.#refresh(grant, true).finally(() => this.#inflight.delete(grantId));
      this.#inflight.set(grantId, flight);
    }
    return flight;
  }

  /** Seeds the cache with a token just obtained (hosted OAuth's callback has one in hand). */
  remember(grant: Pick<GrantRecord, 'id' | 'settings'>, token: ProviderAccessToken): void {
    if (grant.settings !== null) this.#put(grant.id, { ...token, sealed: grant.settings });
  }

  /** Drops the cached token of a grant (after a revocation, say). */
  forget(grantId: string): void {
    this.#cache.delete(grantId);
  }

  #storedToken(grant: GrantRecord): ProviderAccessToken | undefined {
    if (grant.settings === null) return undefined;
    const s = this.#open(grant);
    const accessToken = s['access_token'];
    const expiresAt = s['access_token_expires_at'];
    if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresAt !== 'number') return undefined;
    if (expiresAt - EXPIRY_SKEW_MS <= this.#f.now()) return undefined;
    this.#put(grant.id, { accessToken, expiresAt, sealed: grant.settings });
    return { accessToken, expiresAt };
  }

  async serverSettings(grantId: string): Promise<ProviderServerSettings> {
    const grant = await this.#validGrant(grantId);
    const s = this.#open(grant);
    const imap = server(s, 'imap');
    if (imap === undefined) {
      throw new GrantKitError('invalid_request', `Grant "${grant.id}" (${grant.provider}) has no IMAP settings; use providerAccessToken() for OAuth providers.`);
    }
    return { imap, smtp: server(s, 'smtp') };
  }

  async #validGrant(grantId: string): Promise<GrantRecord> {
    const grant = await this.#f.store.getGrant(grantId);
    if (grant === undefined) throw new GrantKitError('grant_not_found', 'Grant not found.');
    if (grant.status !== 'valid') throw grantInvalid();
    return grant;
  }

  #open(grant: GrantRecord): Record<string, unknown> {
    if (grant.settings === null) return {};
    const parsed: unknown = JSON.parse(this.#f.keyring.open(grant.settings, grant.id));
    return isJsonObject(parsed) ? parsed : {};
  }

  async #request(grant: GrantRecord, settings: Readonly<Record<string, unknown>>): Promise<RefreshRequest & { refreshTokenKey: string }> {
    const rt = settings['refresh_token'];
    if (typeof rt === 'string' && rt !== '') {
      const client = await connectorClientLookup(this.#connectors)(grant, settings);
      if (client !== undefined) return { ...client, refreshToken: rt, refreshTokenKey: 'refresh_token' };
    }
    const provider = this.#f.providers.get(grant.provider);
    const request = isOAuthNativeProvider(provider) ? provider.refreshRequest(settings) : undefined;
    if (request !== undefined) return request;
    if (typeof settings['imap_host'] === 'string') {
      throw new GrantKitError('invalid_request', `Grant "${grant.id}" signs in with a password; use providerSettings() for its IMAP and SMTP settings.`);
    }
    throw new GrantKitError(
      'invalid_request',
      `Grant "${grant.id}" (${grant.provider}) has no provider refresh token, or no ${grant.provider} connector or provider is configured to refresh it.`,
    );
  }

  async #refresh(grant: GrantRecord, mayRetry: boolean): Promise<ProviderAccessToken> {
    const sealed = grant.settings ?? '';
    const settings = this.#open(grant);
    const request = await this.#request(grant, settings);
    const started = this.#f.now();
    let refreshed;
    try {
      refreshed = await refreshAccessToken(request, this.#f.options.providerTimeoutMs);
    } catch (e) {
      if (e instanceof InvalidRefreshTokenError) {
        const current = await this.#f.store.getGrant(grant.id);
        // Re-authenticated meanwhile: the dead token was the old one; try the new one once.
        if (current !== undefined && current.status === 'valid' && current.settings !== grant.settings && mayRetry) {
          return this.#refresh(current, false);
        }
        if (current?.settings === grant.settings) await expireGrant(this.#f, current.id);
        this.#cache.delete(grant.id);
        throw grantInvalid();
      }
      if (e instanceof RefreshRefusedError) {
        throw new GrantKitError('provider_error', `The provider refused the refresh (${e.error}); check the provider client's configuration.`, { cause: e });
      }
      throw new GrantKitError('provider_error', 'The provider could not be reached; try again.', { cause: e });
    }
    const token: ProviderAccessToken = {
      accessToken: refreshed.accessToken,
      expiresAt: started + (refreshed.expiresIn ?? DEFAULT_LIFETIME_S) * 1000,
    };
    let nowSealed = sealed;
    if (refreshed.refreshToken !== undefined && refreshed.refreshToken !== request.refreshToken) {
      nowSealed = (await this.#writeBack(grant, settings, request.refreshTokenKey, refreshed.refreshToken)) ?? '';
    }
    if (nowSealed !== '') this.#put(grant.id, { ...token, sealed: nowSealed });
    return token;
  }

  /** Stores a rotated refresh token, unless the grant changed since it was read. Returns the new sealed settings. */
  async #writeBack(grant: GrantRecord, settings: Record<string, unknown>, key: string, refreshToken: string): Promise<string | undefined> {
    const current = await this.#f.store.getGrant(grant.id);
    if (current === undefined || current.settings !== grant.settings) return undefined;
    const sealed = this.#f.keyring.seal(JSON.stringify({ ...settings, [key]: refreshToken }), grant.id);
    // updatedAt stays: a credential rotation is not a change the app is told about.
    await this.#f.store.putGrant({ ...current, settings: sealed });
    return sealed;
  }

  #put(grantId: string, entry: Cached): void {
    this.#cache.delete(grantId);
    if (this.#cache.size >= MAX_CACHED) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
    this.#cache.set(grantId, entry);
  }
}

/**
 * The client of a connector-made grant: the `credential_id` override's client id and secret when
 * the grant has one, else the connector's; the token URL is the connector's (Microsoft: its tenant).
 */
function connectorClientLookup(connectors: Connectors): ConnectorClientLookup {
  return async (grant, settings) => {
    // The connector a grant was made through is named in its sealed metadata: a grant's provider
    // is not always its connector's (hosted v2 grants are `gmail` and `office365` grants of the
    // `google` and `microsoft` connectors). When the id is recorded it decides: a connector deleted
    // and made again has a new id, and possibly another client, which must not receive this
    // grant's refresh token. Grants without the id (made before it was recorded) go by provider,
    // to the connector serving the grant's client.
    const meta = settings['$grantkit'];
    const connectorId = isJsonObject(meta) ? meta['connectorId'] : undefined;
    const connector =
      typeof connectorId === 'string'
        ? (await connectors.list()).find((c) => c.id === connectorId)
        : await connectors.serving(connectorOfProvider(grant.provider), grant.clientId);
    if (connector === undefined) return undefined;
    const endpoints = connectors.endpoints(connector);
    if (endpoints === undefined) return undefined;
    const credentialId = settings['credential_id'];
    if (typeof credentialId === 'string') {
      // Credentials belong to the connector's provider, which is not always the grant's.
      const cred = await connectors.credentialOf(connector, credentialId);
      if (cred?.type === 'connector') {
        const data = connectors.credentialData(cred);
        if (data['client_id']) return { tokenUrl: endpoints.tokenUrl, clientId: data['client_id'], clientSecret: data['client_secret'] };
      }
    }
    if (connector.clientId === null) return undefined;
    return { tokenUrl: endpoints.tokenUrl, clientId: connector.clientId, clientSecret: connectors.clientSecret(connector) ?? undefined };
  };
}

function grantInvalid(): GrantKitError {
  return new GrantKitError('provider_auth_failed', 'The provider no longer accepts this grant; the user must authenticate again.');
}

function server(s: Readonly<Record<string, unknown>>, kind: 'imap' | 'smtp'): MailServerSettings | undefined {
  const host = s[`${kind}_host`];
  const port = Number(s[`${kind}_port`]);
  const user = s[`${kind}_username`];
  const pass = s[`${kind}_password`];
  if (typeof host !== 'string' || !Number.isInteger(port) || typeof user !== 'string' || typeof pass !== 'string') return undefined;
  const secure = isImplicitTls(kind, port);
  return { host, port, secure, requireTLS: !secure && s['ssl_required'] !== false, auth: { user, pass } };
}
