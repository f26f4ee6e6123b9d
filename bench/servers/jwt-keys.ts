import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { TOKEN_SCOPES } from './common.js';

/**
 * Keys and tokens for the JWT competitors. Each is configured as its README shows, with a string
 * secret for HS256 (what users write), and the token carries the same scopes as grantkit's.
 */
export const HS_SECRET = 'bench-hs256-secret-0123456789abcdef0123456789abcdef';
export const ISSUER = 'https://issuer.bench.local/';
export const AUDIENCE = 'https://api.bench.local';

const claims = { sub: 'bench-user', scope: TOKEN_SCOPES.join(' ') };
// A day is far longer than any run.
const signOptions = { issuer: ISSUER, audience: AUDIENCE, expiresIn: '24h' } as const;

export function hs256Token(): string {
  return jsonwebtoken.sign(claims, HS_SECRET, { ...signOptions, algorithm: 'HS256' });
}

export interface RsaKeys {
  readonly publicKey: KeyObject;
  readonly kid: string;
  readonly token: string;
}

/** RSA-2048, as most identity providers issue. */
export function rs256(): RsaKeys {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'bench-key-1';
  const token = jsonwebtoken.sign(claims, privateKey, { ...signOptions, algorithm: 'RS256', keyid: kid });
  return { publicKey, kid, token };
}
