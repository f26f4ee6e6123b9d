import type { ConnectorRecord, ProviderEndpoints } from '../connectors/connector-records.js';
import { GrantKitError } from '../errors/error.js';
import { IdTokenSigner, type IdTokenKeyOptions } from './id-token.js';
import type { UpstreamStrategy } from './strategy.js';

/** Hosted OAuth settings (`hostedOAuth` in the kit options). */
export interface HostedOAuthOptions {
  /**
   * grantkit's public base URL, e.g. `https://auth.example.com` (with any mount prefix). The
   * provider callback URLs are built from it: `<publicUrl>/oauth/callback/<provider>`, which is
   * what you register at Google and Microsoft. Never taken from request headers.
   */
  readonly publicUrl?: string;
  /** v3 access-token lifetime in seconds. Default 3600. */
  readonly accessTokenTtlSeconds?: number;
  /** A refresh token not used for this long expires. Default 30 days. */
  readonly refreshTokenIdleSeconds?: number;
  /** No refresh token of a chain outlives this, from the code exchange. Default 365 days. */
  readonly refreshTokenMaxSeconds?: number;
  /** Let v2 `/oauth/authorize` answer `response_type=token` (token in the URL fragment). Default false. */
  readonly allowTokenResponse?: boolean;
  /** Accept `code_challenge_method=plain`. Default false. */
  readonly allowPlainPkce?: boolean;
  /** Browser origins allowed to call POST /v3/connect/token (a single-page app finishing PKCE). */
  readonly corsOrigins?: readonly string[];
  /** The id_token signing key. Default: an RS256 key generated at start-up (see id-token.ts). */
  readonly idTokenKey?: IdTokenKeyOptions;
}

/** The hosted OAuth settings after resolution (kit/options.ts): defaults filled, `publicUrl` without a trailing slash. */
export interface ResolvedHostedOAuth {
  readonly publicUrl: string | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenIdleSeconds: number;
  readonly refreshTokenMaxSeconds: number;
  readonly allowTokenResponse: boolean;
  readonly allowPlainPkce: boolean;
  readonly corsOrigins: readonly string[];
  /** Undefined: a key pair is generated at start-up. */
  readonly idTokenKey: IdTokenKeyOptions | undefined;
}

/** Hosted codes live 10 minutes (RFC 6749 section 4.1.2 recommends at most 10). */
export const HOSTED_CODE_TTL_MS = 10 * 60 * 1000;

/** Providers that sign users in at an OAuth provider through a connector. */
export const HOSTED_PROVIDERS = ['google', 'microsoft', 'oauth2'] as const;

/** Whether a provider name signs in through hosted OAuth. */
export function isHostedProvider(name: string): name is (typeof HOSTED_PROVIDERS)[number] {
  return name === 'google' || name === 'microsoft' || name === 'oauth2';
}

/**
 * The hosted OAuth state of one kit: settings, the id_token signer, and one passport strategy
 * per connector (rebuilt when the connector changes).
 */
export class HostedOAuth {
  readonly publicUrl: string | undefined;
  readonly accessTokenTtlMs: number;
  readonly refreshIdleMs: number;
  readonly refreshMaxMs: number;
  readonly allowTokenResponse: boolean;
  readonly allowPlainPkce: boolean;
  readonly corsOrigins: ReadonlySet<string>;
  readonly signer: IdTokenSigner;
  readonly #strategies = new Map<string, { stamp: string; strategy: UpstreamStrategy }>();

  constructor(settings: ResolvedHostedOAuth) {
    this.publicUrl = settings.publicUrl;
    this.accessTokenTtlMs = settings.accessTokenTtlSeconds * 1000;
    this.refreshIdleMs = settings.refreshTokenIdleSeconds * 1000;
    this.refreshMaxMs = settings.refreshTokenMaxSeconds * 1000;
    this.allowTokenResponse = settings.allowTokenResponse;
    this.allowPlainPkce = settings.allowPlainPkce;
    this.corsOrigins = new Set(settings.corsOrigins);
    this.signer = new IdTokenSigner(settings.idTokenKey);
  }

  /** Where the provider sends the user back for this connector's provider. */
  callbackUrl(provider: string): string {
    if (this.publicUrl === undefined) {
      throw new GrantKitError('not_found', 'Hosted authentication is not configured: set the "hostedOAuth.publicUrl" option.');
    }
    return `${this.publicUrl}/oauth/callback/${provider}`;
  }

  /**
   * The strategy of a connector, built once per connector version. Its module (and passport-oauth2)
   * loads with the first one, so importing grantkit loads neither.
   */
  async strategy(connector: ConnectorRecord, endpoints: ProviderEndpoints | undefined, clientSecret: string | null, timeoutMs: number): Promise<UpstreamStrategy> {
    const stamp = `${connector.id}:${connector.updatedAt}`;
    // By connector id: each client may have its own connector (and upstream app) for a provider.
    const cached = this.#strategies.get(connector.id);
    if (cached?.stamp === stamp) return cached.strategy;
    if (endpoints === undefined || connector.clientId === null || clientSecret === null) {
      throw new GrantKitError('invalid_request', `The ${connector.provider} connector is missing its client id, secret or endpoint URLs.`);
    }
    const { UpstreamStrategy } = await import('./strategy.js');
    const strategy = new UpstreamStrategy({
      endpoints,
      clientId: connector.clientId,
      clientSecret,
      callbackUrl: this.callbackUrl(connector.provider),
      timeoutMs,
      // Google issues a refresh token only for offline access, and again only on a fresh consent.
      extraParams: connector.provider === 'google' ? { access_type: 'offline', prompt: 'consent' } : {},
    });
    this.#strategies.set(connector.id, { stamp, strategy });
    return strategy;
  }
}
