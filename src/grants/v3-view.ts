import type { Keyring } from '../crypto/keyring.js';
import type { GrantRecord } from '../store/records.js';
import { grantMeta, type GrantMeta } from './sealed-settings.js';
import { unixSeconds } from '../http/unix-seconds.js';

/**
 * The v3 grant object. `settings` is always `{}`: provider credentials never leave the
 * store. `verified` is grantkit's: false for a bulk grant the provider could not be asked about.
 */
function v3Grant(g: GrantRecord, meta: GrantMeta): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: g.id,
    provider: g.provider,
    grant_status: g.status,
    email: g.email,
    name: g.name,
    scope: [...g.scopes],
    created_at: unixSeconds(g.createdAt),
    updated_at: unixSeconds(g.updatedAt),
    settings: {},
    verified: meta.verified,
  };
  if (meta.state !== undefined) view['state'] = meta.state;
  if (meta.credentialId !== undefined) view['credential_id'] = meta.credentialId;
  return view;
}

/** The v3 grant object of a stored grant, its sealed metadata opened; never its settings. */
export function grantView(keyring: Keyring, record: GrantRecord): Record<string, unknown> {
  return v3Grant(record, grantMeta(keyring, record));
}
