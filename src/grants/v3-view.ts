import type { GrantRecord } from '../store/records.js';
import type { GrantMeta } from './sealed-settings.js';

const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * The v3 grant object. `settings` is always `{}`: provider credentials never leave the
 * store. `verified` is grantkit's: false for a bulk grant the provider could not be asked about.
 */
export function v3Grant(g: GrantRecord, meta: GrantMeta): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: g.id,
    provider: g.provider,
    grant_status: g.status,
    email: g.email,
    name: g.name,
    scope: [...g.scopes],
    created_at: seconds(g.createdAt),
    updated_at: seconds(g.updatedAt),
    settings: {},
    verified: meta.verified,
  };
  if (meta.state !== undefined) view['state'] = meta.state;
  if (meta.credentialId !== undefined) view['credential_id'] = meta.credentialId;
  return view;
}
