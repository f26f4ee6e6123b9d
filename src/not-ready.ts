import { GrantkitError } from './errors/error.js';
import { familyOfPath, renderError } from './errors/formats.js';
import { serialize, type SerializedResponse } from './http/serialize.js';
import { buildRouteTable } from './routes/table.js';

/**
 * What a request gets while grantkit is starting: 503 with `Retry-After: 1`, at once. A request
 * that arrives before the kit is ready (its store subscription not yet attached) or before the app
 * has been built must neither wait for an unknown time nor be answered from a half-made state.
 * The code is `store_unavailable`, the same fail-closed outcome as a store that is down.
 */
export function notReady(): GrantkitError {
  return new GrantkitError('store_unavailable', 'The service is starting; try again in a moment.', { headers: { 'retry-after': '1' } });
}

/** All of grantkit's routes, for telling which error format a request gets before any kit exists. */
const allRoutes = buildRouteTable();

/**
 * The same answer for a server that has no kit yet (it is still loading its configuration), in
 * the format of the route family the request is for: grantkit's own routes by their family, any
 * other path as a guard would answer it (the v3 envelope under `/v3/`, else v2).
 */
export function notReadyResponse(method: string, path: string): SerializedResponse {
  const matched = allRoutes.match(method, path);
  return serialize(renderError(notReady(), matched ? matched.route.family : familyOfPath(path)));
}
