/**
 * CORS for POST /v3/connect/token only: a single-page app finishes PKCE from the
 * browser. Only the origins the app configures get an Access-Control-Allow-Origin, and never
 * with credentials (the endpoint takes no cookies).
 */
export function corsHeaders(origins: ReadonlySet<string>, origin: string | string[] | undefined): Record<string, string> {
  const o = Array.isArray(origin) ? undefined : origin;
  if (o === undefined || !origins.has(o)) return origins.size > 0 ? { vary: 'Origin' } : {};
  return { 'access-control-allow-origin': o, vary: 'Origin' };
}

export function preflightHeaders(origins: ReadonlySet<string>, origin: string | string[] | undefined): Record<string, string> {
  const base = corsHeaders(origins, origin);
  if (base['access-control-allow-origin'] === undefined) return base;
  return {
    ...base,
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': 'content-type, accept',
    'access-control-max-age': '600',
  };
}
