import type { Route } from './route.js';

/** What the route table reads of a route: everything but its handler. */
export type RouteMetadata = Omit<Route, 'handler'>;

/**
 * A route whose module loads at its first request. Importing grantkit then loads none of the route
 * handlers nor the flows, OAuth code and body schemas they use; the first request to each route
 * pays that import once, and later requests call the loaded handler directly. The metadata must be
 * the loaded route's own: test/core/route-table.test.ts compares them. A failed import is not
 * remembered, so the next request tries again.
 */
export function lazyRoute(metadata: RouteMetadata, load: () => Promise<Route>): Route {
  let loaded: Route | undefined;
  let loading: Promise<Route> | undefined;
  const route = (): Promise<Route> =>
    (loading ??= load().then(
      (r) => (loaded = r),
      (e: unknown) => {
        loading = undefined;
        throw e;
      },
    ));
  return {
    ...metadata,
    async handler(ctx) {
      return (loaded ?? (await route())).handler(ctx);
    },
  };
}
