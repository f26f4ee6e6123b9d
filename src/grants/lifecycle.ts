import { grantEvent } from '../events/events.js';
import type { GrantRecord } from '../store/records.js';
import { grantMeta } from './sealed-settings.js';
import type { KitFoundation } from '../kit/foundation.js';

/**
 * Grant state changes that others must hear about. Each writes through the store, then emits the
 * matching lifecycle event (which webhooks deliver); the write is what makes tokens stop working.
 */

/** Deletes a grant and every token of it; `grant.deleted` follows. */
export async function deleteGrant(kit: KitFoundation, grant: GrantRecord): Promise<boolean> {
  const integrationId = grantMeta(kit.keyring, grant).connectorId ?? null;
  const deleted = await kit.store.deleteGrant(grant.id);
  if (deleted) await kit.events.emit(grantEvent('grant.deleted', grant, kit.now(), { integrationId }));
  return deleted;
}

/**
 * Marks a grant invalid: its tokens get 401 and API-key calls naming it get 401, until the user
 * re-authenticates (same id, `grant.updated` with `reauthentication_flag`). Call it when a
 * provider refuses the grant's credentials. `grant.expired` carries `grant_updated_at`, the start
 * of the gap the app may need to back-fill.
 */
export async function expireGrant(kit: KitFoundation, grantId: string): Promise<GrantRecord | undefined> {
  const grant = await kit.store.getGrant(grantId);
  if (!grant || grant.status === 'invalid') return grant;
  const now = kit.now();
  const expired: GrantRecord = { ...grant, status: 'invalid', updatedAt: now };
  await kit.store.putGrant(expired);
  const integrationId = grantMeta(kit.keyring, grant).connectorId ?? null;
  await kit.events.emit(grantEvent('grant.expired', grant, now, { integrationId, previousUpdatedAt: grant.updatedAt }));
  return expired;
}
