/**
 * The `{grant}` segment of `/v3/grants/{grant}/...` (nylas-api.md §3.1, "Grant ID patterns"):
 * the grant id, `grant:<id>`, an email address, `email:<email>`, or `me`. The SDK percent-encodes
 * it (`a%40b.com`), so it is decoded first.
 */
export type GrantRef =
  | { readonly kind: 'me' }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'email'; readonly email: string };

const GRANTS_PREFIX = '/v3/grants/';

/** The raw `{grant}` segment of a path (query string ignored), or undefined when the path is not under /v3/grants/. */
export function grantSegment(path: string): string | undefined {
  if (!path.startsWith(GRANTS_PREFIX)) return undefined;
  let end = path.length;
  for (let i = GRANTS_PREFIX.length; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  return path.slice(GRANTS_PREFIX.length, end);
}

/** Parses a decoded or raw segment. Undefined: not a grant reference (empty, or bad percent-encoding). */
export function parseGrantRef(segment: string): GrantRef | undefined {
  let s: string;
  try {
    s = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  if (s === '' || s.length > 512) return undefined;
  if (s === 'me') return { kind: 'me' };
  if (s.startsWith('grant:')) return s.length > 6 ? { kind: 'id', id: s.slice(6) } : undefined;
  if (s.startsWith('email:')) return s.length > 6 ? { kind: 'email', email: s.slice(6) } : undefined;
  if (s.includes('@')) return { kind: 'email', email: s };
  return { kind: 'id', id: s };
}

/** The rest of the path after `/v3/grants/{grant}`: what the v2 endpoint table is matched against. */
export function pathAfterGrant(path: string): string {
  const seg = grantSegment(path);
  if (seg === undefined) return path;
  const rest = path.slice(GRANTS_PREFIX.length + seg.length);
  const q = rest.search(/[?#]/);
  return q < 0 ? rest : rest.slice(0, q);
}
