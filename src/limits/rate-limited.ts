import { GrantKitError } from '../errors/error.js';

/**
 * The 429: Retry-After in seconds, and the limit and its reset (seconds from now) that the v2 SDK
 * reads from X-RateLimit-Limit and X-RateLimit-Reset. The formats drop the X-RateLimit headers
 * outside the v2 family.
 */
export function rateLimited(msBeforeNext: number, limit: number): GrantKitError {
  const seconds = String(Math.max(1, Math.ceil(msBeforeNext / 1000)));
  return new GrantKitError('rate_limited', 'Too many requests, please try again shortly.', {
    headers: { 'retry-after': seconds, 'x-ratelimit-limit': String(limit), 'x-ratelimit-reset': seconds },
  });
}
