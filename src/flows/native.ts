import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { auditedSignIn } from '../audit/sign-in.js';
import { hashPrefix } from '../audit/trail.js';
import { authenticateClient, presentedSecret } from '../auth/client-auth.js';
import type { Credential } from '../auth/credentials.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import { GrantKitError } from '../errors/error.js';
import { unprovenIdentity } from '../grants/identity.js';
import { issueGrantToken } from '../grants/issue-token.js';
import { revokeFamily } from '../grants/revocation.js';
import { authorizeSignIn } from '../grants/reauthentication.js';
import { parseInput } from '../http/validate.js';
import { providerFailure } from '../providers/failures.js';
import { checkProviderRules } from '../providers/rules.js';
import { parseScopes } from '../scopes/parse.js';
import type { GrantIdentity, GrantRecord } from '../store/records.js';
import { grantEvent } from '../events/events.js';
import { checkV2ServiceAccount, isV2ServiceAccount } from '../providers/service-accounts.js';
import type { KitContext } from '../kit/context.js';
import { grantIdentity } from '../store/record-schemas.js';
import { storedJson } from '../store/stored.js';

/** Nylas native authentication: "This code is only valid for 15 minutes." */
export const NATIVE_CODE_TTL_MS = 15 * 60 * 1000;

const EMAIL = /^[^\s@]{1,256}@[^\s@]{1,255}$/;

export const nativeAuthorizeBody = z.object({
  client_id: z.string().min(1).max(256),
  name: z.string().max(256).optional(),
  email_address: z.string().max(320).regex(EMAIL, 'must be an email address').optional(),
  // The v6 SDK sends `email` instead of `email_address` for virtual calendars.
  email: z.string().max(320).regex(EMAIL, 'must be an email address').optional(),
  provider: z.string().min(1).max(64),
  settings: z.record(z.string(), z.unknown()).optional(),
  scopes: z.unknown().optional(),
  reauth_account_id: z.string().max(256).optional(),
  client_secret: z.unknown().optional(),
});

/** What a native code stands for until it is redeemed. The provider settings inside are sealed. */
interface PendingAuthorization {
  readonly v: 1;
  readonly grantId: string;
  readonly provider: string;
  readonly email: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly settings: string;
  /** Who proved the address (absent in codes issued before it was recorded: unverified). */
  readonly identity?: GrantIdentity;
}

const pendingAuthorization: z.ZodType<PendingAuthorization> = z.object({
  v: z.literal(1),
  grantId: z.string(),
  provider: z.string(),
  email: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  settings: z.string(),
  identity: grantIdentity.optional(),
});

export interface NativeAuthorization {
  readonly code: string;
  readonly warnings: readonly string[];
}

type AuthorizeBody = z.infer<typeof nativeAuthorizeBody>;

/**
 * POST /connect/authorize: checks the client, the scopes and the provider's rules, verifies the
 * credentials with the provider, and issues a one-time code. Nothing is stored when any check
 * fails. The audit trail hears the sign-in start, and succeed or fail.
 */
export async function authorizeNative(kit: KitContext, input: unknown, cred: Credential, ip?: string): Promise<NativeAuthorization> {
  const body = parseInput(nativeAuthorizeBody, input);
  const party = { flow: 'native', api: 'v2', clientId: body.client_id, provider: body.provider } as const;
  const issued = await auditedSignIn(kit.audit, party, () => issueNativeCode(kit, body, cred, ip), (r) => r.grantId);
  return { code: issued.code, warnings: issued.warnings };
}

async function issueNativeCode(
  kit: KitContext,
  body: AuthorizeBody,
  cred: Credential,
  ip: string | undefined,
): Promise<NativeAuthorization & { readonly grantId: string }> {
  authenticateClient(kit.clients, body.client_id, presentedSecret(cred, body.client_secret, body.client_id), false);
  const email = body.email_address ?? body.email;
  if (email === undefined) throw new GrantKitError('invalid_request', '"email_address" is required.');
  const provider = kit.providers.get(body.provider);
  if (!provider) throw new GrantKitError('invalid_request', `Provider "${body.provider}" is not enabled.`);
  const scopes = parseScopes(body.scopes, kit.graph, kit.options.defaultScopes);
  const warnings = checkProviderRules(provider.name, scopes);
  if (isV2ServiceAccount(body.settings)) checkV2ServiceAccount(provider.name, scopes);

  if (body.reauth_account_id !== undefined) {
    const existing = await kit.store.getGrant(body.reauth_account_id);
    if (!existing || existing.clientId !== body.client_id || existing.email.toLowerCase() !== email.toLowerCase()) {
      throw new GrantKitError('invalid_request', '"reauth_account_id" does not name an account with this email.');
    }
  }

  let verified;
  try {
    // Under the login limits: over them the provider is never asked, so a right guess is refused too.
    verified = await kit.limits.login({ clientId: body.client_id, email, ip }, () =>
      provider.verify({ email, name: body.name ?? '', settings: body.settings ?? {} }),
    );
  } catch (e) {
    throw providerFailure(e);
  }

  const now = kit.now();
  const existing = await kit.store.findGrantByEmail(body.client_id, verified.email);
  const grantId = existing?.id ?? randomUUID();
  const pending: PendingAuthorization = {
    v: 1,
    grantId,
    provider: provider.name,
    email: verified.email,
    name: verified.name ?? body.name ?? '',
    scopes,
    settings: kit.keyring.seal(JSON.stringify(verified.settings), grantId),
    identity: verified.identity ?? unprovenIdentity(provider.name, verified.email, 'provider'),
  };
  const code = newSecret(TOKEN_PREFIX.code);
  const hash = hashSecret(code);
  const expiresAt = now + NATIVE_CODE_TTL_MS;
  await kit.store.putToken({ hash, kind: 'code', clientId: body.client_id, grantId: null, family: null, createdAt: now, expiresAt, data: JSON.stringify(pending) });
  kit.audit?.emit({ type: 'code.issued', flow: 'native', clientId: body.client_id, codeHash: hashPrefix(hash), expiresAt });
  return { code, warnings, grantId };
}

export const nativeTokenBody = z.object({
  client_id: z.string().min(1).max(256),
  client_secret: z.unknown().optional(),
  code: z.string().min(1).max(512),
});

export interface NativeRedemption {
  readonly grant: GrantRecord;
  readonly accessToken: string;
}

/**
 * POST /connect/token: redeems a code once. A replay is refused and kills the token the first
 * redemption issued (RFC 6749 section 4.1.2). A second authorization for the same (client, email)
 * re-authenticates the existing grant: same id, the new scopes.
 */
export async function redeemNative(kit: KitContext, input: unknown, cred: Credential): Promise<NativeRedemption> {
  const body = parseInput(nativeTokenBody, input);
  authenticateClient(kit.clients, body.client_id, presentedSecret(cred, body.client_secret, body.client_id), true);
  const now = kit.now();
  const codeHash = hashSecret(body.code);
  const consumed = await kit.store.consume(codeHash, now);
  if (!consumed || consumed.record.kind !== 'code') {
    throw new GrantKitError('invalid_grant', 'The code is invalid or has expired.');
  }
  if (!consumed.firstUse) {
    kit.audit?.emit({ type: 'code.replayed', flow: 'native', clientId: consumed.record.clientId, codeHash: hashPrefix(codeHash) });
    await revokeFamily(kit, codeHash, now, 'code_replayed');
    throw new GrantKitError('invalid_grant', 'The code has already been used.');
  }
  if (consumed.record.clientId !== body.client_id) {
    throw new GrantKitError('invalid_grant', 'The code was not issued to this client.');
  }
  const pending = storedJson(pendingAuthorization, consumed.record.data);
  if (pending === undefined) throw new GrantKitError('invalid_grant', 'The code is not valid.');

  const existing = await kit.store.findGrantByEmail(body.client_id, pending.email);
  // The provider checked the credentials at /connect/authorize; only now may the answer depend on
  // whether the address has a grant. A refusal leaves the grant and its tokens as they were.
  const proof = pending.identity ?? unprovenIdentity(pending.provider, pending.email, 'provider');
  const decision = authorizeSignIn(kit.keyring, existing, proof, 'v2');
  const id = existing?.id ?? pending.grantId;
  // The settings were sealed to the id chosen at authorize time; a grant created since then wins.
  const settings =
    id === pending.grantId ? pending.settings : kit.keyring.seal(kit.keyring.open(pending.settings, pending.grantId), id);
  const grant: GrantRecord = {
    id,
    clientId: body.client_id,
    provider: pending.provider,
    email: pending.email,
    name: pending.name || existing?.name || '',
    scopes: pending.scopes,
    status: 'valid',
    settings,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    // The closed Nylas vocabulary, where `email` is the full mailbox.
    scopeVocabulary: 'v2',
    identity: proof,
  };
  await kit.store.putGrant(grant);
  kit.audit?.emit({ type: 'code.redeemed', flow: 'native', clientId: body.client_id, grantId: id, codeHash: hashPrefix(codeHash) });
  // A verified proof that replaces another identity: whatever that identity was given stops working.
  if (decision === 'replace') await kit.store.revokeGrantTokens(id);
  // v2 and v3 grants are the same objects, so the v2 flow announces them too.
  await kit.events.emit(existing ? grantEvent('grant.updated', grant, now, { reauthentication: true }) : grantEvent('grant.created', grant, now));
  // v2 access tokens live until revoked; the code's hash is their family, so a replay kills them.
  const accessToken = await issueGrantToken(kit, { kind: 'access', grant, family: codeHash, expiresAt: null });
  return { grant, accessToken };
}
