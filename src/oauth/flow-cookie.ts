import { hashSecret } from '../crypto/tokens.js';

/**
 * Binds a hosted flow to the browser that started it (RFC 6749 §10.12, RFC 9700 §4.7): the redirect
 * to the provider sets a cookie named after the flow, and the callback refuses a state whose
 * cookie the browser does not send. One cookie per flow, so two tabs signing in at once both work.
 * SameSite=Lax: the provider's redirect back is a top-level GET, which carries it.
 */
export function flowCookieName(stateToken: string): string {
  return `gk_flow_${hashSecret(`flow-cookie:${stateToken}`).slice(0, 22)}`;
}

/** `Set-Cookie` for a new flow, scoped to the callback path under the public URL. */
export function setFlowCookie(stateToken: string, publicUrl: string, maxAgeSeconds: number): string {
  const url = new URL(publicUrl);
  const path = `${url.pathname.replace(/\/+$/, '')}/oauth/callback`;
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  return `${flowCookieName(stateToken)}=1; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

/** `Set-Cookie` that removes the flow's cookie once the callback used it. */
export function clearFlowCookie(stateToken: string, publicUrl: string): string {
  return setFlowCookie(stateToken, publicUrl, 0);
}

/** Whether the request's Cookie header carries the flow's cookie. */
export function hasFlowCookie(cookieHeader: string | undefined, stateToken: string): boolean {
  if (cookieHeader === undefined) return false;
  const name = flowCookieName(stateToken);
  return cookieHeader.split(';').some((part) => part.trim().split('=')[0] === name);
}
