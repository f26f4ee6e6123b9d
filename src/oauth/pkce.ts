import { createHash, timingSafeEqual } from 'node:crypto';
import { GrantKitError } from '../errors/error.js';

/**
 * PKCE between grantkit and its clients, with rules per method:
 * - `S256` (RFC 7636): the verifier is 43–128 unreserved characters and the challenge the
 *   43-character base64url of its SHA-256;
 * - `s256` (what the official SDKs send): the challenge is base64 of the *hex* SHA-256, padding
 *   stripped (86 characters), and the verifier 36–128 characters (the SDK's is a UUID);
 * - `plain`: the challenge is the verifier; only when the app enables it.
 */
export type PkceMethod = 'S256' | 's256' | 'plain';

const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;
/** base64 of 64 hex characters: 86 characters unpadded (the SDKs strip the `==`); accepted padded too. */
const SDK_CHALLENGE = /^[A-Za-z0-9+/]{86}(?:==)?$/;

export interface PkcePolicy {
  readonly allowPlain: boolean;
}

/**
 * Checks a challenge at authorization time, so a malformed one fails before the user signs in.
 * A missing method means `plain` per RFC 7636 section 4.3 (and the spec's default), which is refused
 * unless enabled.
 */
export function checkChallenge(challenge: string, method: string | undefined, policy: PkcePolicy): PkceMethod {
  const m = method ?? 'plain';
  if (m === 'S256') {
    if (!S256_CHALLENGE.test(challenge)) throw bad('"code_challenge" must be the 43-character base64url SHA-256 of the verifier for S256.');
    return 'S256';
  }
  if (m === 's256') {
    if (!SDK_CHALLENGE.test(challenge)) throw bad('"code_challenge" must be base64 of the hex SHA-256 of the verifier for s256.');
    return 's256';
  }
  if (m === 'plain') {
    if (!policy.allowPlain) throw bad('"code_challenge_method" plain is not allowed; use S256.');
    if (challenge.length < 43 || challenge.length > 128 || !UNRESERVED.test(challenge)) {
      throw bad('"code_challenge" must be 43 to 128 unreserved characters for plain.');
    }
    return 'plain';
  }
  throw bad('"code_challenge_method" must be S256 (or s256, as the SDKs send it).');
}

/** The challenge a verifier yields under a method, or undefined when the verifier breaks the method's rules. */
export function challengeOf(verifier: string, method: PkceMethod): string | undefined {
  if (!UNRESERVED.test(verifier) || verifier.length > 128) return undefined;
  switch (method) {
    case 'S256':
      return verifier.length < 43 ? undefined : createHash('sha256').update(verifier, 'ascii').digest('base64url');
    case 's256': {
      if (verifier.length < 36) return undefined;
      const hex = createHash('sha256').update(verifier, 'ascii').digest('hex');
      return Buffer.from(hex, 'ascii').toString('base64').replace(/=+$/, '');
    }
    case 'plain':
      return verifier.length < 43 ? undefined : verifier;
  }
}

/** Constant-time: both sides are hashed to 32 bytes, so lengths never throw or leak. */
export function verifierMatches(verifier: string, challenge: string, method: PkceMethod): boolean {
  const expected = challengeOf(verifier, method);
  if (expected === undefined) return false;
  // The s256 challenge may arrive padded; compare it as the SDKs compute it, unpadded.
  const given = method === 's256' ? challenge.replace(/=+$/, '') : challenge;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

function bad(message: string): GrantKitError {
  return new GrantKitError('invalid_request', message);
}
