import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefixes, so a leaked secret can be identified (and found by secret scanners). */
export const TOKEN_PREFIX = {
  access: 'gk_at_',
  refresh: 'gk_rt_',
  code: 'gk_code_',
  apiKey: 'gk_key_',
  flow: 'gk_flow_',
} as const;

/** 256 bits from the CSPRNG, base64url, behind the prefix. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** What the store keeps in place of a token: its SHA-256. Tokens carry 256 bits, so no pepper is needed. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'base64url');
}

/** Constant-time check of a given secret against a stored SHA-256 (base64url). */
export function secretMatchesHash(given: string, expectedHash: string): boolean {
  const a = Buffer.from(hashSecret(given), 'base64url');
  const b = Buffer.from(expectedHash, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}
