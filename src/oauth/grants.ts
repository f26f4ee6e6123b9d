import { randomUUID } from 'node:crypto';
import { grantEvent } from '../events/events.js';
import { sealGrantSettings } from '../grants/sealed-settings.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { GrantRecord } from '../store/records.js';
import type { ProviderTokens } from './hosted-code.js';
import type { HostedServices } from './services.js';

export interface HostedAccount {
  readonly clientId: string;
  readonly grantProvider: string;
  readonly connectorId: string;
  readonly email: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** The flow's: v2 sign-in takes Nylas scopes, v3 the connector's scope strings as the provider returns them. */
  readonly scopeVocabulary: ScopeVocabulary;
  readonly state?: string;
}

/**
 * Creates the grant, or re-authenticates the existing one: one grant per (client, email), so
 * signing in again keeps the id and replaces scopes and provider tokens. The provider tokens are
 * sealed into the grant's settings (`refresh_token`, `access_token`, ...) for provider access.
 */
export async function upsertHostedGrant(kit: HostedServices, account: HostedAccount, tokens: ProviderTokens): Promise<GrantRecord> {
  const now = kit.now();
  const existing = await kit.guarded(kit.store.findGrantByEmail(account.clientId, account.email));
  const id = existing?.id ?? randomUUID();
  const grant: GrantRecord = {
    id,
    clientId: account.clientId,
    provider: account.grantProvider,
    email: existing?.email ?? account.email,
    name: account.name || existing?.name || '',
    scopes: [...account.scopes],
    status: 'valid',
    settings: sealGrantSettings(kit.keyring, id, { ...tokens }, {
      verified: true,
      connectorId: account.connectorId,
      ...(account.state !== undefined ? { state: account.state } : {}),
    }),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    scopeVocabulary: account.scopeVocabulary,
  };
  await kit.guarded(kit.store.putGrant(grant));
  const integrationId = account.connectorId;
  kit.events.emit(
    existing
      ? grantEvent('grant.updated', grant, now, { integrationId, reauthentication: true })
      : grantEvent('grant.created', grant, now, { integrationId }),
  );
  return grant;
}
