import { GrantKitError } from '../../errors/error.js';
import type { Grant } from '../../grants/grant.js';
import type { RequestLike } from '../../http/types.js';
import type { KitContext } from '../../kit/context.js';

/** The grant of the request's access token, for the v2 routes a token calls about itself; the 401 is thrown. */
export async function bearerGrant(kit: KitContext, req: RequestLike): Promise<Grant> {
  const grant = await kit.auth.bearer(req.headers.authorization, { url: req.path });
  if (grant instanceof GrantKitError) throw grant;
  return grant;
}
