import { json, type ResponseDescriptor } from '../../http/types.js';
import { discoveryDocument } from '../../oauth/discovery.js';
import type { RouteContext } from '../route.js';

/**
 * The answer of both discovery routes. The document is public and changes only with the
 * configuration: any page may read it (a single-page app configures its OpenID client from it),
 * and caches may keep it a while.
 */
export async function discoveryResponse({ kit, mounted }: RouteContext): Promise<ResponseDescriptor> {
  return json(200, discoveryDocument(kit, mounted), { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
}
