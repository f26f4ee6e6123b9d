import * as z from 'zod';
import { hashPrefix } from '../audit/trail.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { GrantIdentity } from '../store/records.js';
import type { PkceMethod } from './pkce.js';
import type { KitContext } from '../kit/context.js';
import { grantIdentity } from '../store/record-schemas.js';
import { storedJson } from '../store/stored.js';

/**
 * What a hosted authorization code stands for until it is redeemed: the account the provider
 * named, the scopes it consented to, and the provider's tokens (sealed), or, after a credential
 * form, the settings the native provider verified (sealed the same way). The grant is written at
 * redemption, as the native flow does, so an abandoned code leaves nothing behind.
 */
export interface HostedPending {
  readonly v: 1;
  readonly hosted: true;
  readonly api: 'v2' | 'v3';
  readonly provider: string;
  readonly grantProvider: string;
  /** The connector the sign-in went through; absent after a credential form with no connector. */
  readonly connectorId?: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly email: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly accessType: 'online' | 'offline';
  readonly state?: string;
  readonly challenge?: string;
  readonly method?: PkceMethod;
  /** The v3 authorization request's `nonce`, for the id_token. */
  readonly nonce?: string;
  /** Who proved the address at the callback (absent in codes issued before it was recorded). */
  readonly identity?: GrantIdentity;
  /** The grant's scope vocabulary when it is not the API's (a v3 credential form without a connector takes Nylas scopes). */
  readonly scopeVocabulary?: ScopeVocabulary;
  /** `native`: a credential form's provider verified the account, and `providerTokens` holds its settings. */
  readonly verifiedBy?: 'native';
  /** The provider's tokens (or a native provider's settings) as JSON, sealed with AAD = the code's hash. */
  readonly providerTokens: string;
}

/** The settings a native provider verified, kept sealed in the code until it is redeemed. */
export type NativeSettings = Readonly<Record<string, unknown>>;

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
  tokens: ProviderTokens | NativeSettings,
  ttlMs: number,
): Promise<string> {
  const code = newSecret(TOKEN_PREFIX.code);
  const hash = hostedCodeHash(code);
  const now = kit.now();
  const expiresAt = now + ttlMs;
  const data: HostedPending = { v: 1, hosted: true, ...pending, providerTokens: kit.keyring.seal(JSON.stringify(tokens), hash) };
  await kit.store.putToken({ hash, kind: 'code', clientId: pending.clientId, grantId: null, family: null, createdAt: now, expiresAt, data: JSON.stringify(data) });
  // The provider vouched for the user: the sign-in succeeded, and the app gets a code for its grant.
  kit.audit?.emit({ type: 'code.issued', flow: 'hosted', clientId: pending.clientId, codeHash: hashPrefix(hash), expiresAt });
  kit.audit?.emit({ type: 'signin.succeeded', flow: 'hosted', api: pending.api, clientId: pending.clientId, provider: pending.grantProvider });
  return code;
}

const hostedPending: z.ZodType<HostedPending> = z.object({
  v: z.literal(1),
  hosted: z.literal(true),
  api: z.enum(['v2', 'v3']),
  provider: z.string(),
  grantProvider: z.string(),
  connectorId: z.string().optional(),
  clientId: z.string(),
  redirectUri: z.string(),
  email: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  accessType: z.enum(['online', 'offline']),
  state: z.string().optional(),
  challenge: z.string().optional(),
  method: z.enum(['S256', 's256', 'plain']).optional(),
  nonce: z.string().optional(),
  identity: grantIdentity.optional(),
  scopeVocabulary: z.enum(['v2', 'v3']).optional(),
  verifiedBy: z.literal('native').optional(),
  providerTokens: z.string(),
});

const providerTokens: z.ZodType<ProviderTokens> = z.object({
  access_token: z.string(),
  refresh_token: z.string().optional(),
  access_token_expires_at: z.number().optional(),
  scope: z.string().optional(),
});

/** The pending authorization of a consumed hosted code record, or undefined when the record is not one. */
export function readPending(data: string | null): HostedPending | undefined {
  return storedJson(hostedPending, data);
}

/** The provider's tokens sealed in a pending authorization, or undefined when they cannot be read. */
export function openProviderTokens(sealed: string, opened: (sealed: string) => string): ProviderTokens | undefined {
  return storedJson(providerTokens, opened(sealed));
}

const nativeSettings: z.ZodType<NativeSettings> = z.record(z.string(), z.unknown());

/** The native provider's settings sealed in a pending authorization, or undefined when they cannot be read. */
export function openNativeSettings(sealed: string, opened: (sealed: string) => string): NativeSettings | undefined {
  return storedJson(nativeSettings, opened(sealed));
}
