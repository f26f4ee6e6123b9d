import { notReady } from './kit/readiness.js';
import { familyOfPath, renderError } from './errors/formats.js';
import { serialize, type SerializedResponse } from './http/serialize.js';
import { buildRouteTable } from './routes/table.js';

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
