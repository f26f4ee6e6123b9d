import { createHash } from 'node:crypto';
// jose is imported where it is used, so importing grantkit loads none of it until the first
// id_token or JWKS; and by subpath, since its root loads every JWE and JWS module jose has.
import type { CryptoKey, JWK, JWTPayload } from 'jose';

/**
 * Signs v3 id_tokens and publishes the public key at /.well-known/jwks.json.
 *
 * The key comes from the configuration (`hostedOAuth.idTokenKey`, a PKCS#8 PEM). Without one, an
 * RS256 key pair is generated at start-up: id_tokens then stop verifying after a restart, and
 * several instances each sign with their own key, so production configures one.
 */
export interface IdTokenKeyOptions {
  /** PKCS#8 PEM private key. */
  readonly privateKeyPem: string;
  /** Default RS256 (what OpenID clients expect unless told otherwise). */
  readonly alg?: 'RS256' | 'ES256' | 'PS256';
  /** Default: derived from the public key (RFC 7638 thumbprint prefix). */
  readonly kid?: string;
}

export interface IdTokenClaims {
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  readonly email: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Whether the provider vouched for the address (the grant's recorded proof). */
  readonly emailVerified?: boolean;
  /** The user's name, when the provider gave one. */
  readonly name?: string;
  /** The authorization request's `nonce`, which an OpenID client checks (OpenID Connect Core section 3.1.3.7). */
  readonly nonce?: string;
}

interface Loaded {
  readonly key: CryptoKey;
  readonly alg: string;
  readonly kid: string;
  readonly publicJwk: JWK;
}

export class IdTokenSigner {
  readonly #options: IdTokenKeyOptions | undefined;
  #key: Promise<Loaded> | undefined;

  constructor(options: IdTokenKeyOptions | undefined) {
    this.#options = options;
  }

  /** The key, imported or generated at first use (and a configured key's error surfaced there), then kept. */
  get #loaded(): Promise<Loaded> {
    return (this.#key ??= load(this.#options));
  }

  async sign(c: IdTokenClaims): Promise<string> {
    const [{ key, alg, kid }, { SignJWT }] = await Promise.all([this.#loaded, import('jose/jwt/sign')]);
    const claims = {
      email: c.email,
      ...(c.emailVerified !== undefined ? { email_verified: c.emailVerified } : {}),
      ...(c.name !== undefined && c.name !== '' ? { name: c.name } : {}),
      ...(c.nonce !== undefined ? { nonce: c.nonce } : {}),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(c.issuer)
      .setAudience(c.audience)
      .setSubject(c.subject)
      .setIssuedAt(c.issuedAt)
      .setExpirationTime(c.expiresAt)
      .sign(key);
  }

  /**
   * The claims of an id_token this signer issued and that has not expired (for
   * /v3/connect/tokeninfo?id_token=...), or undefined for anything else. Never throws.
   */
  async verify(idToken: string, issuer: string, nowMs: number): Promise<JWTPayload | undefined> {
    try {
      const [{ publicJwk, alg }, { importJWK }, { jwtVerify }] = await Promise.all([this.#loaded, import('jose/key/import'), import('jose/jwt/verify')]);
      const key = await importJWK(publicJwk, alg);
      const { payload } = await jwtVerify(idToken, key, { issuer, algorithms: [alg], currentDate: new Date(nowMs) });
      return payload;
    } catch {
      return undefined;
    }
  }

  /** The JWK Set to publish: the public key only. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.#loaded).publicJwk] };
  }
}

async function load(options: IdTokenKeyOptions | undefined): Promise<Loaded> {
  const alg = options?.alg ?? 'RS256';
  const { exportJWK } = await import('jose/key/export');
  let key: CryptoKey;
  let publicJwk: JWK;
  if (options) {
    const { importPKCS8 } = await import('jose/key/import');
    key = await importPKCS8(options.privateKeyPem, alg, { extractable: true });
    const full = await exportJWK(key);
    publicJwk = publicPart(full);
  } else {
    const { generateKeyPair } = await import('jose/key/generate/keypair');
    const pair = await generateKeyPair(alg, { extractable: true });
    key = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
  }
  const kid = options?.kid ?? createHash('sha256').update(JSON.stringify(publicJwk)).digest('base64url').slice(0, 16);
  return { key, alg, kid, publicJwk: { ...publicJwk, alg, use: 'sig', kid } };
}

/** Drops the private members of an RSA or EC JWK. */
function publicPart(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return pub;
}
