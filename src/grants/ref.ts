/**
 * The `{grant}` segment of `/v3/grants/{grant}/...`:
 * the grant id, `grant:<id>`, an email address, `email:<email>`, or `me`. The SDK percent-encodes
 * it (`a%40b.com`), so it is decoded first.
 */
export type GrantRef =
  | { readonly kind: 'me' }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'email'; readonly email: string };

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
