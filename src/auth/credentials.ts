/**
 * Reads the Authorization header into what it claims to be. Nothing is looked up here.
 * v2 accepts an access token as Bearer or as a Basic username with an empty password;
 * the v2 management routes take the client secret the same Basic way.
 */
export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly user: string; readonly pass: string }
  | { readonly kind: 'malformed' };

const NONE: Credential = { kind: 'none' };
const MALFORMED: Credential = { kind: 'malformed' };
/** RFC 6750 b64token, bounded so an oversize header cannot cost more than a regex pass. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]{1,2048}=*$/;

/**
 * The common case, `Bearer <token>` as the SDKs write it, without building a Credential: the hot
 * path of every guarded request. Anything else (other casing, Basic, junk) returns undefined and
 * goes through readAuthorization.
 */
export function plainBearer(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
  const token = header.slice(7);
  return B64TOKEN.test(token) ? token : undefined;
}

export function readAuthorization(header: string | string[] | undefined): Credential {
  if (header === undefined || header === '') return NONE;
  if (typeof header !== 'string') return MALFORMED;
  const space = header.indexOf(' ');
  if (space <= 0) return MALFORMED;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return B64TOKEN.test(value) ? { kind: 'bearer', token: value } : MALFORMED;
  if (scheme === 'basic') return readBasic(value);
  return MALFORMED;
}

function readBasic(value: string): Credential {
  if (!/^[A-Za-z0-9+/]{1,4096}={0,2}$/.test(value)) return MALFORMED;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return MALFORMED;
  return { kind: 'basic', user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

/** The access token a v2 data request carries: Bearer, or Basic `token:`. */
export function accessTokenOf(c: Credential): string | undefined {
  if (c.kind === 'bearer') return c.token;
  if (c.kind === 'basic' && c.pass === '' && c.user !== '') return c.user;
  return undefined;
}
