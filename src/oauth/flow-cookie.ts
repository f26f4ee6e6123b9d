import { randomBytes } from 'node:crypto';
import { hashSecret, secretMatchesHash } from '../crypto/tokens.js';

/**
 * Binds a hosted flow to the browser that started it (RFC 6749 section 10.12, RFC 9700 section 4.7): the redirect
 * to the provider sets a cookie named after the flow, and the callback refuses a state whose
 * cookie the browser does not send. One cookie per flow, so two tabs signing in at once both work.
 * SameSite=Lax: the provider's redirect back is a top-level GET, which carries it.
 *
 * The cookie's value is a random nonce of 256 bits, made per flow; the flow state keeps its hash
 * only, and the callback compares in constant time. A constant value would prove nothing: anyone
 * who learns the state (from a log, a Referer, the provider) could write the cookie name from it.
 */
function flowCookieName(stateToken: string): string {
  return `gk_flow_${hashSecret(`flow-cookie:${stateToken}`).slice(0, 22)}`;
}

/** Domain separation: the nonce hashes differently from a state or token with the same bytes. */
function nonceHash(nonce: string): string {
  return hashSecret(`flow-nonce:${nonce}`);
}

/** A new flow's cookie value, and the hash the flow state keeps of it. */
export function newFlowNonce(): { readonly nonce: string; readonly hash: string } {
  const nonce = randomBytes(32).toString('base64url');
  return { nonce, hash: nonceHash(nonce) };
}

/**
 * `Set-Cookie` for a new flow, scoped under the public URL to the path that will read it: the
 * provider's callback, or the sign-in forms' posts (`/oauth/signin`).
 */
export function setFlowCookie(stateToken: string, nonce: string, publicUrl: string, maxAgeSeconds: number, under: 'callback' | 'signin' = 'callback'): string {
  const url = new URL(publicUrl);
  const path = `${url.pathname.replace(/\/+$/, '')}/oauth/${under}`;
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  return `${flowCookieName(stateToken)}=${nonce}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

/** `Set-Cookie` that removes the flow's cookie once the callback (or a sign-in form) used it. */
export function clearFlowCookie(stateToken: string, publicUrl: string, under: 'callback' | 'signin' = 'callback'): string {
  return setFlowCookie(stateToken, '', publicUrl, 0, under);
}

/**
 * Whether the request's Cookie header carries the flow's cookie with the flow's nonce. A flow saved
 * without a nonce hash (null) matches nothing.
 */
export function flowCookieMatches(cookieHeader: string | undefined, stateToken: string, expectedHash: string | null): boolean {
  if (cookieHeader === undefined || expectedHash === null) return false;
  const name = flowCookieName(stateToken);
  let match = false;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    // Every candidate is compared, so the time taken does not depend on which one matched.
    if (value.length <= 128 && secretMatchesHash(`flow-nonce:${value}`, expectedHash)) match = true;
  }
  return match;
}
