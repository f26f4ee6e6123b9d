import type { ClientConnectors } from '../../connectors/client-connectors.js';
import { GrantKitError } from '../../errors/error.js';
import { grantAccessDenied, grantNotFound, meNeedsAccessToken } from '../../grants/errors.js';
import { namesOwnGrant } from '../../grants/ownership.js';
import { parseGrantRef } from '../../grants/ref.js';
import type { RequestLike } from '../../http/types.js';
import type { GrantRecord } from '../../store/records.js';
import type { KitContext } from '../../kit/context.js';
import type { AppCaller } from '../../kit/authentication.js';

// Who calls a v3 application route (an API key or an access token), and which grant it may name.

/** Any authenticated caller (API key or access token), or the 401. */
export async function caller(kit: KitContext, req: RequestLike): Promise<AppCaller> {
  const c = await kit.auth.app(req.headers.authorization, req.ip);
  if (c instanceof GrantKitError) throw c;
  return c;
}

/** Application-level routes (grants admin, connectors, custom auth) take an API key only. */
export async function apiKeyCaller(kit: KitContext, req: RequestLike): Promise<Extract<AppCaller, { kind: 'api_key' }>> {
  const c = await caller(kit, req);
  if (c.kind !== 'api_key') {
    throw new GrantKitError('invalid_token', 'This endpoint needs an API key, not an access token.', { v3Type: 'api.authentication_error' });
  }
  return c;
}

/** The connectors API as the client of the calling API key sees it (connectors routes take an API key only). */
export async function callerConnectors(kit: KitContext, req: RequestLike): Promise<ClientConnectors> {
  return kit.connectors.forClient((await apiKeyCaller(kit, req)).clientId);
}

/**
 * The grant a `{grant_id}` path parameter names for the grants API: the same rules as on data
 * paths (kit.authenticate), except that records are returned whatever their status, so an
 * invalid grant can still be read, updated and deleted.
 */
export async function namedGrant(kit: KitContext, c: AppCaller, raw: string, allowAccessToken: boolean): Promise<GrantRecord> {
  // The router has decoded the segment already; parseGrantRef decodes again, so re-encode '%'.
  const ref = parseGrantRef(raw.replace(/%/g, '%25'));
  if (ref === undefined) throw grantNotFound();
  if (c.kind === 'access') {
    if (!allowAccessToken) {
      throw new GrantKitError('invalid_token', 'This endpoint needs an API key, not an access token.', { v3Type: 'api.authentication_error' });
    }
    const own = c.grant;
    if (!namesOwnGrant(ref, own)) throw grantAccessDenied('other');
    return own;
  }
  if (ref.kind === 'me') throw meNeedsAccessToken();
  const record =
    ref.kind === 'id'
      ? await kit.store.getGrant(ref.id)
      : await kit.store.findGrantByEmail(c.clientId, ref.email);
  if (!record || record.clientId !== c.clientId) throw grantNotFound();
  return record;
}
