import { randomUUID } from 'node:crypto';
import { grantEvent } from '../events/events.js';
import { unprovenIdentity } from '../grants/identity.js';
import { authorizeSignIn } from '../grants/reauthentication.js';
import { sealGrantSettings } from '../grants/sealed-settings.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { GrantIdentity, GrantRecord } from '../store/records.js';
import type { NativeSettings, ProviderTokens } from './hosted-code.js';
import type { KitContext } from '../kit/context.js';

export interface HostedAccount {
  readonly clientId: string;
  readonly grantProvider: string;
  /** The connector signed in through; absent after a credential form with no connector. */
  readonly connectorId?: string | undefined;
  readonly email: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** The flow's: v2 sign-in takes Nylas scopes, v3 the connector's scope strings as the provider returns them. */
  readonly scopeVocabulary: ScopeVocabulary;
  readonly state?: string;
  /** Who proved the address: the provider's subject and whether it vouches for the email. */
  readonly identity?: GrantIdentity;
}

/** The proof a hosted sign-in brings (codes issued before it was recorded prove only the address). */
function hostedProof(account: HostedAccount): GrantIdentity {
  return account.identity ?? unprovenIdentity(account.grantProvider, account.email, 'oauth');
}

/**
 * Refuses a hosted sign-in that may not take the grant of its address (grants/reauthentication.ts),
 * before a code is issued, so the app hears `access_denied` on its callback.
 */
export async function checkHostedSignIn(kit: KitContext, account: HostedAccount): Promise<void> {
  const existing = await kit.store.findGrantByEmail(account.clientId, account.email);
  authorizeSignIn(kit.keyring, existing, hostedProof(account), 'hosted');
}

/**
 * Creates the grant, or re-authenticates the existing one: one grant per (client, email), so
 * signing in again keeps the id and replaces scopes and provider tokens. The provider tokens are
 * sealed into the grant's settings (`refresh_token`, `access_token`, ...) for provider access;
 * after a credential form, the settings the native provider kept (IMAP server and password...).
 * The re-authentication rule is applied again here: a grant may have been made since the callback.
 */
export async function upsertHostedGrant(
  kit: KitContext,
  account: HostedAccount,
  tokens: ProviderTokens | NativeSettings,
  api: 'v2' | 'v3' | 'hosted',
): Promise<GrantRecord> {
  const now = kit.now();
  const existing = await kit.store.findGrantByEmail(account.clientId, account.email);
  const proof = hostedProof(account);
  const decision = authorizeSignIn(kit.keyring, existing, proof, api);
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
      ...(account.connectorId !== undefined ? { connectorId: account.connectorId } : {}),
      ...(account.state !== undefined ? { state: account.state } : {}),
    }),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    scopeVocabulary: account.scopeVocabulary,
    identity: proof,
  };
  await kit.store.putGrant(grant);
  // A verified proof that replaces another identity: whatever that identity was given stops working.
  if (decision === 'replace') await kit.store.revokeGrantTokens(id);
  const integrationId = account.connectorId ?? null;
  await kit.events.emit(
    existing
      ? grantEvent('grant.updated', grant, now, { integrationId, reauthentication: true })
      : grantEvent('grant.created', grant, now, { integrationId }),
  );
  return grant;
}
