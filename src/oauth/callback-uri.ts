import type { RegisteredClient } from '../clients.js';

/**
 * Callback URIs: registered per client in code and compared as exact strings,
 * with no normalisation, prefix or wildcard (RFC 9700 section 4.1.3). Only https, except loopback
 * (`http://localhost`, `http://127.0.0.1`) for development and native apps.
 */
export function isAllowedCallbackScheme(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash !== '') return false; // RFC 6749 section 3.1.2: no fragment
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
}

/** True when the client registered exactly this URI (and it is an acceptable one). */
export function callbackAllowed(client: RegisteredClient, uri: string): boolean {
  return client.callbackUris.includes(uri) && isAllowedCallbackScheme(uri);
}

/**
 * Where an authorization response goes: the callback URI with the response's parameters added to
 * its query (existing ones kept), or in the fragment. Every response, a code, a token or an error,
 * also carries `iss`, the issuer (RFC 9207), so a client that signs in at several servers can tell
 * which one answered it (the mix-up defence of RFC 9700 section 4.4).
 */
export function authorizationResponseUri(
  issuer: string,
  uri: string,
  params: Readonly<Record<string, string | undefined>>,
  inFragment = false,
): string {
  const url = new URL(uri);
  const target = inFragment ? new URLSearchParams() : url.searchParams;
  for (const [k, v] of Object.entries(params)) if (v !== undefined) target.set(k, v);
  target.set('iss', issuer);
  if (inFragment) url.hash = target.toString();
  return url.toString();
}
