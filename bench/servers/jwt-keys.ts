import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { TOKEN_SCOPES } from './common.js';

/**
 * Keys and tokens for the JWT competitors, each configured at its fastest (pre-built keys), with
 * the same scopes in the token as grantkit's.
 */
export const HS_SECRET = 'bench-hs256-secret-0123456789abcdef0123456789abcdef';
/**
 * The same secret as a KeyObject, for the packages built on jsonwebtoken (express-jwt, koa-jwt):
 * given a string, jsonwebtoken 9 builds a key on every verify, which measured ~800 µs/request here
 * and would make the competitors look far worse than they are when configured well.
 */
export const HS_KEY: KeyObject = createSecretKey(Buffer.from(HS_SECRET));
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
