import type { GrantRecord } from '../store/records.js';
import { unixSeconds } from '../http/unix-seconds.js';

/** The fields the account view reads: a stored record and an authenticated Grant both have them. */
type AccountSource = Pick<GrantRecord, 'id' | 'name' | 'email' | 'provider' | 'status' | 'createdAt'>;

/** The v2 account object. No settings, ever. */
export function v2Account(grant: AccountSource, organizationUnit: 'label' | 'folder'): Record<string, unknown> {
  return {
    id: grant.id,
    object: 'account',
    account_id: grant.id,
    name: grant.name,
    email_address: grant.email,
    provider: grant.provider,
    organization_unit: organizationUnit,
    sync_state: grant.status === 'valid' ? 'running' : 'invalid-credentials',
    linked_at: unixSeconds(grant.createdAt),
    billing_state: 'paid',
  };
}
