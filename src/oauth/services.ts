import { GrantkitError } from '../errors/error.js';
import type { RouteServices } from '../services.js';
import type { V3Services } from '../v3-services.js';
import type { HostedOAuth } from './hosted.js';

/** What hosted-OAuth routes need from the kit: the v3 services (connectors, API keys, events) and the hosted state. */
export interface HostedServices extends V3Services {
  readonly hosted: HostedOAuth;
}

/** The route context's kit as hosted services; a kit built without them answers 404. */
export function hostedServices(kit: RouteServices): HostedServices {
  const k = kit as Partial<HostedServices>;
  if (k.hosted === undefined || k.connectors === undefined) throw new GrantkitError('not_found', 'Hosted authentication is not enabled.');
  return kit as HostedServices;
}
