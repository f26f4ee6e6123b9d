/**
 * How grantkit reads a request path when it decides who may pass (the endpoint table of `gate()`,
 * v3 detection, the grant a path names).
 *
 * Frameworks route more loosely than a string compare: Express and @koa/router match paths
 * case-insensitively and accept one trailing slash by default, send HEAD to GET handlers, and
 * decode route parameters. An app may switch some of that off (`case sensitive routing`,
 * `strict`, @koa/router's `sensitive`), and a middleware cannot see which it chose. So grantkit
 * reads every path in the loosest way any of them could route it: a variant that no framework
 * routes is guarded anyway, and a variant that one does is never let through unguarded.
 */

/** The path part of a request target: no query string, no fragment. */
function pathPart(url: string): string {
  let end = url.length;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  return end === url.length ? url : url.slice(0, end);
}

/** One segment, percent-decoded once; left as it is when its encoding is broken. */
export function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The non-empty segments of a path, as sent (encoding and case kept). Empty segments (a trailing
 * slash, `//`) are dropped: no framework routes on them, so they must not hide a row.
 */
export function rawSegments(url: string): string[] {
  const out: string[] = [];
  for (const s of pathPart(url).split('/')) if (s !== '') out.push(s);
  return out;
}

/** The segments the gate compares: decoded once and case-folded. */
export function foldedSegments(url: string): string[] {
  return rawSegments(url).map((s) => decodeSegment(s).toLowerCase());
}

/** HEAD is answered by GET handlers in Express and Koa, so it is guarded as GET. */
export function gateMethod(method: string): string {
  const m = method.toUpperCase();
  return m === 'HEAD' ? 'GET' : m;
}

/**
 * Where `v3`, `grants`, `{grant}` begin in folded segments (the `v3` index), or -1. Under a mount
 * prefix the triple is not at the start (`/nylas/v3/grants/{grant}/…`), so it is searched for.
 */
export function v3GrantsAt(folded: readonly string[]): number {
  for (let i = 0; i + 2 < folded.length; i++) if (folded[i] === 'v3' && folded[i + 1] === 'grants') return i;
  return -1;
}

/**
 * Whether a path belongs to the v3 API: a `v3` segment anywhere in it, in any case, so a mount
 * prefix (`/nylas/v3/…`) or a router mounted at `/v3` still gets the v3 rules (HTTPS, Bearer
 * only, the v3 error envelope). The common v2 path costs two substring tests.
 */
export function isV3Path(url: string): boolean {
  if (!url.includes('/v3') && !url.includes('/V3') && !url.includes('%')) return false;
  return foldedSegments(url).includes('v3');
}
