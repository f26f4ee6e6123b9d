import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { GrantIdentity } from '../store/records.js';
import type { PkceMethod } from './pkce.js';
import type { KitContext } from '../kit/context.js';

/**
 * What a hosted authorization code stands for until it is redeemed: the account the provider
 * named, the scopes it consented to, and the provider's tokens (sealed). The grant is written at
 * redemption, as the native flow does, so an abandoned code leaves nothing behind.
 */
export interface HostedPending {
  readonly v: 1;
  readonly hosted: true;
  readonly api: 'v2' | 'v3';
  readonly provider: string;
  readonly grantProvider: string;
  readonly connectorId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly email: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly accessType: 'online' | 'offline';
  readonly state?: string;
  readonly challenge?: string;
  readonly method?: PkceMethod;
  /** Who proved the address at the callback (absent in codes issued before it was recorded). */
  readonly identity?: GrantIdentity;
  /** The provider's tokens as JSON, sealed with AAD = the code's hash. */
  readonly providerTokens: string;
}

/**
 * Hosted codes hash under their own domain, so a hosted code presented to the native
 * `/connect/token` (or the reverse) is simply unknown there.
 */
export function hostedCodeHash(code: string): string {
  return hashSecret(`hosted:${code}`);
}

/** What grantkit keeps of the provider's tokens: the refresh token lets the app's backend call Gmail or Graph. */
export interface ProviderTokens {
  readonly access_token: string;
  readonly refresh_token?: string;
  /** Milliseconds since the epoch, when the provider said. */
  readonly access_token_expires_at?: number;
  /** As the provider reported it. */
  readonly scope?: string;
}

export async function issueHostedCode(
  kit: KitContext,
  pending: Omit<HostedPending, 'providerTokens' | 'v' | 'hosted'>,
  tokens: ProviderTokens,
  ttlMs: number,
): Promise<string> {
  const code = newSecret(TOKEN_PREFIX.code);
  const hash = hostedCodeHash(code);
  const now = kit.now();
  const data: HostedPending = { v: 1, hosted: true, ...pending, providerTokens: kit.keyring.seal(JSON.stringify(tokens), hash) };
  await kit.store.putToken({
    hash,
    kind: 'code',
    clientId: pending.clientId,
    grantId: null,
    family: null,
    createdAt: now,
    expiresAt: now + ttlMs,
    data: JSON.stringify(data),
  });
  return code;
}

/** The pending authorization of a consumed hosted code record, or undefined when the record is not one. */
export function readPending(data: string | null): HostedPending | undefined {
  try {
    const parsed = JSON.parse(data ?? 'null') as Partial<HostedPending> | null;
    return parsed?.hosted === true && parsed.v === 1 ? (parsed as HostedPending) : undefined;
  } catch {
    return undefined;
  }
}
