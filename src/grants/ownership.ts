import { decodeSegment, rawSegments } from '../http/path-shape.js';
import { parseGrantRef, type GrantRef } from './ref.js';

/**
 * Which grant a request names, and which grants a caller may name. Every place that lets a caller
 * reach a grant by name asks here: the guards, `gate()` and `resolve()` on the app's routes, and
 * grantkit's own `/v3/grants/{grant}` routes.
 *
 * An access token may name only its own grant (by id, by email in any case, or as `me`). An API
 * key may name any grant of its client, by id or email, never as `me`.
 */

/** The route parameters that name a grant unless an app says otherwise. */
export const DEFAULT_GRANT_PARAMS: readonly string[] = Object.freeze(['grant', 'grant_id', 'grantId']);

/**
 * The parameter names an adapter reads: the defaults plus the app's own (`grantParam`), so a
 * route that calls its grant `account` is checked, and one that says `grant` still is.
 */
export function grantParamNames(extra: string | readonly string[] | undefined): readonly string[] {
  if (extra === undefined) return DEFAULT_GRANT_PARAMS;
  const list = typeof extra === 'string' ? [extra] : extra;
  for (const name of list) {
    if (typeof name !== 'string' || name === '') throw new TypeError('grantkit: option "grantParam" must name route parameters');
  }
  return Object.freeze([...new Set([...DEFAULT_GRANT_PARAMS, ...list])]);
}

/**
 * What a request says about grants:
 * - `refs`: every distinct grant it names (a route parameter, and each `grants/{grant}` pair in
 *   its full path, whatever mount prefix comes before);
 * - `unreadable`: something in it names a grant that cannot be read (a bad or empty reference),
 *   so nobody can tell which grant the route serves.
 */
export interface GrantNaming {
  readonly refs: readonly GrantRef[];
  readonly unreadable: boolean;
}

function sameRef(a: GrantRef, b: GrantRef): boolean {
  if (a.kind === 'me' || b.kind === 'me') return a.kind === b.kind;
  if (a.kind === 'id' && b.kind === 'id') return a.id === b.id;
  if (a.kind === 'email' && b.kind === 'email') return a.email.toLowerCase() === b.email.toLowerCase();
  return false;
}

/**
 * The grants a request names, or undefined when it names none.
 *
 * The full request target is read, not the path relative to a mount: under
 * `app.use('/nylas', router)`, `app.use('/v3', router)` with `/grants/:grant/…`, koa-mount or a
 * router prefix, the middleware's own path has lost the part that says "grants". Every segment
 * that follows a `grants` segment (in any case) counts, and so does each route parameter listed
 * in `paramNames`; an app whose routes call the grant something else names that parameter.
 * Reading more than the route needs only ever adds a grant the caller must own.
 */
export function grantsNamed(
  url: string,
  params: Readonly<Record<string, unknown>> | undefined,
  paramNames: readonly string[] = DEFAULT_GRANT_PARAMS,
): GrantNaming | undefined {
  // Nothing is allocated for the common request, which names no grant.
  let found: FoundNames | undefined;
  if (params !== undefined) {
    for (const name of paramNames) {
      if (!Object.hasOwn(params, name)) continue;
      const value = params[name];
      // Frameworks hand parameters over decoded; parseGrantRef decodes, so '%' is escaped first.
      found = withRef(found, typeof value === 'string' ? parseGrantRef(value.replace(/%/g, '%25')) : undefined);
    }
  }
  // Most paths never say "grants": one case-insensitive substring test keeps them cheap.
  if (/grants|%/i.test(url)) {
    const segments = rawSegments(url);
    for (let i = 0; i + 1 < segments.length; i++) {
      if (decodeSegment(segments[i]!).toLowerCase() === 'grants') found = withRef(found, parseGrantRef(segments[i + 1]!));
    }
  }
  return found;
}

interface FoundNames {
  refs: GrantRef[];
  unreadable: boolean;
}

/** Adds a reference (undefined: one that cannot be read), once. */
function withRef(found: FoundNames | undefined, ref: GrantRef | undefined): FoundNames {
  const f = found ?? { refs: [], unreadable: false };
  if (ref === undefined) f.unreadable = true;
  else if (!f.refs.some((r) => sameRef(r, ref))) f.refs.push(ref);
  return f;
}

/** Whether a grant reference names this grant, as its own access token may name it. */
export function namesOwnGrant(ref: GrantRef, own: { readonly id: string; readonly email: string }): boolean {
  return (
    ref.kind === 'me' ||
    (ref.kind === 'id' && ref.id === own.id) ||
    (ref.kind === 'email' && ref.email.toLowerCase() === own.email.toLowerCase())
  );
}

/**
 * The decision for one caller:
 * - `own`: an access token, and every grant named is its own;
 * - `denied`: an access token naming another grant, or a name nobody can read (403, without
 *   looking the other grant up, so a token cannot probe which addresses have grants);
 * - `lookup`: an API key naming exactly one grant by id or email, to be looked up in its client;
 * - `me_with_key`: an API key naming `me` (400);
 * - `not_found`: an API key whose name cannot be read (404, as an unknown grant).
 */
export type NamingDecision =
  | { readonly kind: 'own' }
  | { readonly kind: 'denied'; readonly reason: 'other' | 'unreadable' }
  | { readonly kind: 'lookup'; readonly ref: Exclude<GrantRef, { kind: 'me' }> }
  | { readonly kind: 'me_with_key' }
  | { readonly kind: 'not_found' };

export function decideNaming(
  naming: GrantNaming,
  caller: { readonly kind: 'access'; readonly grant: { readonly id: string; readonly email: string } } | { readonly kind: 'api_key' },
): NamingDecision {
  if (caller.kind === 'access') {
    if (naming.unreadable) return { kind: 'denied', reason: 'unreadable' };
    return naming.refs.every((r) => namesOwnGrant(r, caller.grant)) ? { kind: 'own' } : { kind: 'denied', reason: 'other' };
  }
  if (naming.unreadable) return { kind: 'not_found' };
  // Two different names on one request: grantkit cannot tell which grant the route serves.
  if (naming.refs.length !== 1) return { kind: 'denied', reason: 'unreadable' };
  const ref = naming.refs[0]!;
  return ref.kind === 'me' ? { kind: 'me_with_key' } : { kind: 'lookup', ref };
}
