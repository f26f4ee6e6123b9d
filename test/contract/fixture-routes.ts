import { DEMO_ROUTES } from '../../examples/shared/demo-routes.js';

/**
 * The app-side routes every mount serves, framework-neutral, so the apps cannot differ in
 * anything but the framework. A later issue plugs its own set in (say, v3 grant routes under
 * /v3/grants/:grant_id/…) by passing more rows to `Mount.build`; grantkit's own routes come in
 * through `routes()` whatever the table says.
 */
export type FixtureGuard =
  /** No grantkit middleware on the route: the endpoint table (`gate()`) decides, or nobody. */
  | { readonly kind: 'table' }
  /** `resolve()` only: the handler sees the grant or nothing. */
  | { readonly kind: 'resolve' }
  /** `resolve()` and then a guard, which reuses what resolve() found. */
  | { readonly kind: 'resolve+guard'; readonly mode: 'any' | 'all'; readonly scopes: readonly string[] }
  /** A guard alone; `throws` mounts it from an adapter created with `{ throwErrors: true }`. */
  | { readonly kind: 'guard'; readonly mode: 'any' | 'all'; readonly scopes: readonly string[]; readonly throws?: boolean };

export interface FixtureRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `:name` parameters, as Express and @koa/router both write them. */
  readonly path: string;
  readonly guard: FixtureGuard;
}

/** What every fixture handler answers: enough for a case to see which grant got through. */
export function fixtureBody(route: FixtureRoute, params: Readonly<Record<string, string>>, grant: { id: string } | undefined): Record<string, unknown> {
  return { route: `${route.method} ${route.path}`, params: { ...params }, grant_id: grant?.id ?? null };
}

export const V2_FIXTURE_ROUTES: readonly FixtureRoute[] = [
  { method: 'GET', path: '/guard/modify', guard: { kind: 'guard', mode: 'any', scopes: ['email.modify'] } },
  { method: 'GET', path: '/guard/read-or-calendar', guard: { kind: 'guard', mode: 'any', scopes: ['email.read_only', 'calendar'] } },
  { method: 'GET', path: '/guard/read-and-send', guard: { kind: 'guard', mode: 'all', scopes: ['email.read_only', 'email.send'] } },
  { method: 'POST', path: '/guard/items/:item_id', guard: { kind: 'guard', mode: 'any', scopes: ['email.read_only'] } },
  { method: 'GET', path: '/resolved/open', guard: { kind: 'resolve' } },
  { method: 'GET', path: '/resolved/modify', guard: { kind: 'resolve+guard', mode: 'any', scopes: ['email.modify'] } },
  { method: 'GET', path: '/throwing/modify', guard: { kind: 'guard', mode: 'any', scopes: ['email.modify'], throws: true } },
  { method: 'GET', path: '/throwing/all', guard: { kind: 'guard', mode: 'all', scopes: ['calendar', 'contacts'], throws: true } },
  // The demo routes of the examples, guarded by the v2 endpoint table through gate().
  ...DEMO_ROUTES.map((r): FixtureRoute => ({ method: r.method, path: r.path, guard: { kind: 'table' } })),
];

/**
 * The app's own v3 data routes (issue 5 item 3): `{grant}` is resolved from the path by the core,
 * on each mount through the same adapter calls. Every mount app.use()s gate() before these rows,
 * so the v2 endpoint table (which also covers /v3/grants/{grant}/<v2 path>) runs first on rows
 * whose path it lists; `messages` then adds a stricter requireScopes of its own, so a token the
 * table lets through (email.metadata) can still be stopped by the route's guard.
 */
export const V3_FIXTURE_ROUTES: readonly FixtureRoute[] = [
  { method: 'GET', path: '/v3/grants/:grant/messages', guard: { kind: 'guard', mode: 'any', scopes: ['email.read_only'] } },
  // Only the table guards this one (email.modify or email for a write on /messages/{id}).
  { method: 'PUT', path: '/v3/grants/:grant/messages/:message_id', guard: { kind: 'table' } },
  // Not in the table: resolve() alone, so the handler shows what the grant path resolved to.
  { method: 'GET', path: '/v3/grants/:grant/whoami', guard: { kind: 'resolve' } },
  // A throwing guard under a grant path: the app's error handler must get the v3 envelope.
  { method: 'GET', path: '/v3/grants/:grant/contacts', guard: { kind: 'guard', mode: 'all', scopes: ['contacts'], throws: true } },
];
