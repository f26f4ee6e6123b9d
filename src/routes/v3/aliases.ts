import type { Route } from '../route.js';

/** `/v3/integrations` is the connectors API's former name (seed 003); it stays an alias. */
export function withIntegrationsAlias(route: Route): Route[] {
  return [route, { ...route, path: route.path.replace('/v3/connectors', '/v3/integrations') }];
}
