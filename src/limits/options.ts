/** The rate limits an app can set (kit/options.ts resolves them), and their defaults. */

export interface RateLimit {
  /** Attempts allowed in the window. */
  readonly limit: number;
  /** The window in seconds, counted from the first attempt in it. */
  readonly windowSeconds: number;
}

export interface RateLimitsOptions {
  /** Failed logins per client, email address and IP. Default 5 per 15 minutes. */
  readonly loginPerAddressAndIp?: RateLimit | false;
  /** Failed logins per client and email address, from any IP. Default 20 per hour. */
  readonly loginPerAddress?: RateLimit | false;
  /** Failed logins per IP. Default 100 per hour. */
  readonly loginPerIp?: RateLimit | false;
  /** Failed client secrets, API keys and refresh tokens per IP. Default 30 per minute. */
  readonly secretPerIp?: RateLimit | false;
  /** Calls to /v3/providers/detect per client. Default 20 per minute, as Nylas allows. */
  readonly detectPerClient?: RateLimit | false;
  /**
   * Exempts an IP from the per-IP limits, e.g. the app's own servers: native authentication is
   * often posted from one backend address, which would otherwise throttle every user at once. The
   * per-address and per-client limits still apply to its requests.
   */
  readonly skip?: (ip: string) => boolean;
}

export type RateLimitName = Exclude<keyof RateLimitsOptions, 'skip'>;

/** The limits after resolution (kit/options.ts): each one set or `false`, `skip` always a function. */
export type ResolvedRateLimits = { readonly [N in RateLimitName]: RateLimit | false } & { readonly skip: (ip: string) => boolean };

export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitName, RateLimit>> = Object.freeze({
  loginPerAddressAndIp: { limit: 5, windowSeconds: 15 * 60 },
  loginPerAddress: { limit: 20, windowSeconds: 60 * 60 },
  loginPerIp: { limit: 100, windowSeconds: 60 * 60 },
  secretPerIp: { limit: 30, windowSeconds: 60 },
  detectPerClient: { limit: 20, windowSeconds: 60 },
});
