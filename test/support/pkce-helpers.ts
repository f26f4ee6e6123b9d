import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 S256. */
export function s256Pair(length = 64): { verifier: string; challenge: string } {
  const verifier = randomBytes(120).toString('base64url').slice(0, length);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The SDKs' variant: base64 of the hex SHA-256, no padding; the verifier is a UUID. */
export function sdkPair(verifier: string): string {
  return Buffer.from(createHash('sha256').update(verifier).digest('hex')).toString('base64').replace(/=+$/, '');
}
