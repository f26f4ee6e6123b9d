import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { auditedSignIn } from '../audit/sign-in.js';
import type { ConnectorRecord } from '../connectors/connector-records.js';
import { OAUTH_PROVIDERS } from '../connectors/connector-records.js';
import {
  checkAdminConsent,
  checkRefreshToken,
  checkServiceAccount,
  ProviderUnreachableError,
} from '../connectors/provider-calls.js';
import { GrantKitError } from '../errors/error.js';
import { grantEvent } from '../events/events.js';
import { oauthIdentity, unprovenIdentity } from '../grants/identity.js';
import { authorizeSignIn } from '../grants/reauthentication.js';
import { sealGrantSettings, type GrantMeta } from '../grants/sealed-settings.js';
import { parseInput } from '../http/validate.js';
import { providerFailure } from '../providers/failures.js';
import { checkProviderRules } from '../providers/rules.js';
import { parseScopes } from '../scopes/parse.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { GrantIdentity, GrantRecord } from '../store/records.js';
import type { KitContext } from '../kit/context.js';

const EMAIL = /^[^\s@]{1,256}@[^\s@]{1,255}$/;

const scopeList = z.array(z.string().min(1).max(512)).min(1).max(200);

export const customAuthBody = z.object({
  provider: z.string().min(1).max(64),
  settings: z.record(z.string(), z.unknown()),
  scope: scopeList.optional(),
  state: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
});

/** Who presents the credentials: the API key's client and the request's IP, for the login limits. */
export interface Requester {
  readonly clientId: string;
  readonly ip: string | undefined;
}

/** What a provider check established, before anything is stored. */
export interface VerifiedCustom {
  readonly email: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** `v3` for a connector's scope strings, `v2` for the closed Nylas vocabulary (no connector). */
  readonly scopeVocabulary: ScopeVocabulary;
  /** Provider settings to keep, sealed. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly meta: GrantMeta;
  /** Who proved the address, and how strongly. */
  readonly identity: GrantIdentity;
}

export interface CustomAuthentication {
  readonly grant: GrantRecord;
  readonly meta: GrantMeta;
  /** False when an existing grant for the email was re-authenticated (same id). */
  readonly created: boolean;
}

/**
 * POST /v3/connect/custom: credentials become a grant once
 * the provider has vouched for them. Three kinds, picked from `settings`:
 * - `{email_address, credential_id}`: a bulk grant through a service account (Google) or admin
 *   consent (Microsoft), checked at the provider's token endpoint;
 * - `{refresh_token}` on an OAuth provider: refreshed once at the token endpoint, and the userinfo
 *   endpoint says whose it is;
 * - anything else: the native provider of that name verifies it (IMAP, iCloud, sandbox...).
 * The same email again re-authenticates the existing grant and keeps its id.
 */
export async function authenticateCustom(kit: KitContext, clientId: string, input: unknown, ip?: string): Promise<CustomAuthentication> {
  const body = parseInput(customAuthBody, input);
  const party = { flow: 'custom', api: 'v3', clientId, provider: body.provider } as const;
  return auditedSignIn(kit.audit, party, () => signInCustom(kit, clientId, body, ip), (r) => r.grant.id);
}

async function signInCustom(kit: KitContext, clientId: string, body: z.infer<typeof customAuthBody>, ip: string | undefined): Promise<CustomAuthentication> {
  const verified = await verifyCustom(kit, body.provider, body.settings, body.scope, body.name, body.state, { clientId, ip });
  const now = kit.now();
  const existing = await kit.store.findGrantByEmail(clientId, verified.email);
  // After the provider checked the credentials: see grants/reauthentication.ts.
  const decision = authorizeSignIn(kit.keyring, existing, verified.identity, 'v3');
  const id = existing?.id ?? randomUUID();
  const grant: GrantRecord = {
    id,
    clientId,
    provider: body.provider,
    email: existing?.email ?? verified.email,
    name: verified.name || existing?.name || '',
    scopes: verified.scopes,
    status: 'valid',
    settings: sealGrantSettings(kit.keyring, id, verified.settings, verified.meta),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    scopeVocabulary: verified.scopeVocabulary,
    identity: verified.identity,
  };
  await kit.store.putGrant(grant);
  if (decision === 'replace') await kit.store.revokeGrantTokens(id);
  const integrationId = verified.meta.connectorId ?? null;
  await kit.events.emit(
    existing
      ? grantEvent('grant.updated', grant, now, { integrationId, reauthentication: true })
      : grantEvent('grant.created', grant, now, { integrationId }),
  );
  return { grant, meta: verified.meta, created: existing === undefined };
}

/**
 * Checks credentials with the provider and works out the grant's scopes. Used by custom
 * authentication and by PATCH /v3/grants/{id} when it replaces settings.
 */
export async function verifyCustom(
  kit: KitContext,
  provider: string,
  settings: Readonly<Record<string, unknown>>,
  requestedScopes: readonly string[] | undefined,
  name: string | undefined,
  state: string | undefined,
  who: Requester,
): Promise<VerifiedCustom> {
  // The calling client's connector (its own, or the app's serving it), never another client's.
  const connector = await kit.connectors.serving(provider, who.clientId);
  const base = { ...(state === undefined ? {} : { state }), ...(connector ? { connectorId: connector.id } : {}) };
  const request: CustomRequest = { provider, connector, settings, requested: requestedScopes, name: name ?? '', base, who };
  if (typeof settings['credential_id'] === 'string' && settings['email_address'] !== undefined && settings['refresh_token'] === undefined) {
    return verifyBulk(kit, request);
  }
  if (OAUTH_PROVIDERS.has(provider)) return verifyRefresh(kit, request);
  return verifyNative(kit, request);
}

/** What each kind of check is given: the request, and the connector that serves its client. */
interface CustomRequest {
  readonly provider: string;
  readonly connector: ConnectorRecord | undefined;
  readonly settings: Readonly<Record<string, unknown>>;
  /** The scopes the request names, if any. */
  readonly requested: readonly string[] | undefined;
  readonly name: string;
  /** What the grant's meta carries whatever the check: the request's state and the connector's id. */
  readonly base: Partial<GrantMeta>;
  readonly who: Requester;
}

async function verifyBulk(kit: KitContext, request: CustomRequest): Promise<VerifiedCustom> {
  const { provider, connector, settings, requested, name, base } = request;
  const email = settings['email_address'];
  if (typeof email !== 'string' || !EMAIL.test(email)) throw bad('"settings.email_address" must be an email address.');
  if (provider !== 'google' && provider !== 'microsoft') {
    throw bad('Bulk authentication grants work for Google (service account) and Microsoft Graph (admin consent) only.');
  }
  const c = needConnector(connector, provider);
  const credentialId = settings['credential_id'];
  if (typeof credentialId !== 'string') throw bad('"settings.credential_id" must be a string.');
  const credential = await kit.connectors.credentialOf(c, credentialId);
  const wanted = provider === 'google' ? 'serviceaccount' : 'adminconsent';
  if (!credential || credential.type !== wanted) {
    throw bad(`"settings.credential_id" does not name a "${wanted}" credential of the ${provider} connector.`);
  }
  const settingsScopes = parseSettingsScopes(settings['scopes']);
  const scopes = connectorScopes(c, requested ?? settingsScopes);
  const data = kit.connectors.credentialData(credential);
  let verified = true;
  try {
    if (provider === 'google') {
      const endpoints = kit.connectors.endpoints(c)!;
      await checkServiceAccount(endpoints.tokenUrl, data, email, scopes, kit.now(), kit.options.providerTimeoutMs);
    } else {
      const tenant = data['tenant'] ?? c.settings['tenant'];
      if (!tenant || tenant === 'common') throw bad('Admin consent needs a tenant: set "tenant" on the credential or the connector.');
      const clientId = data['client_id'] ?? c.clientId;
      const clientSecret = data['client_secret'] ?? kit.connectors.clientSecret(c);
      if (!clientId || !clientSecret) throw bad('Admin consent needs a client id and secret on the credential or the connector.');
      await checkAdminConsent(kit.connectors.endpoints(c, tenant)!.tokenUrl, { clientId, clientSecret }, kit.options.providerTimeoutMs);
    }
  } catch (e) {
    // Offline (no route to the provider): keep the grant, marked unverified, as the README explains.
    if (e instanceof ProviderUnreachableError) verified = false;
    else throw providerFailure(e);
  }
  return {
    email,
    name,
    scopes,
    scopeVocabulary: 'v3',
    settings: { email_address: email, credential_id: credentialId },
    meta: { ...base, verified, credentialId },
    // The app asserts the address through its own credential: nothing the user proved.
    identity: unprovenIdentity(provider, email, provider === 'google' ? 'service_account' : 'admin_consent'),
  };
}

async function verifyRefresh(kit: KitContext, request: CustomRequest): Promise<VerifiedCustom> {
  const { provider, connector, settings, requested, base } = request;
  const c = needConnector(connector, provider);
  const refreshToken = settings['refresh_token'];
  if (typeof refreshToken !== 'string' || refreshToken === '' || refreshToken.length > 4096) {
    throw bad(`"settings.refresh_token" is required for ${provider}.`);
  }
  let client = { clientId: c.clientId ?? '', clientSecret: kit.connectors.clientSecret(c) ?? '' };
  const credentialId = settings['credential_id'];
  if (credentialId !== undefined) {
    // A credential override: another auth app's client id and secret for this grant.
    const cred = typeof credentialId === 'string' ? await kit.connectors.credentialOf(c, credentialId) : undefined;
    if (!cred || cred.type !== 'connector') throw bad('"settings.credential_id" does not name a "connector" credential of this connector.');
    const data = kit.connectors.credentialData(cred);
    client = { clientId: data['client_id'] ?? '', clientSecret: data['client_secret'] ?? '' };
  }
  const endpoints = kit.connectors.endpoints(c);
  if (!endpoints) throw bad(`No endpoints are known for ${provider}.`);
  let checked;
  try {
    checked = await checkRefreshToken(endpoints, client, refreshToken, kit.options.providerTimeoutMs);
  } catch (e) {
    throw providerFailure(e);
  }
  return {
    email: checked.email,
    name: checked.name,
    scopes: connectorScopes(c, requested ?? checked.scopes),
    scopeVocabulary: 'v3',
    settings: { refresh_token: checked.refreshToken, ...(typeof credentialId === 'string' ? { credential_id: credentialId } : {}) },
    meta: { ...base, verified: true, ...(typeof credentialId === 'string' ? { credentialId } : {}) },
    identity: oauthIdentity(provider, checked.email, checked.claims),
  };
}

async function verifyNative(kit: KitContext, request: CustomRequest): Promise<VerifiedCustom> {
  const { provider: providerName, connector, settings, requested, name, base, who } = request;
  const provider = kit.providers.get(providerName);
  if (!provider) throw bad(`Provider "${providerName.slice(0, 64)}" is not enabled.`);
  // Where each provider's settings name the account: sandbox/EWS `email`, IMAP `imap_username`, iCloud `username`.
  const email = [settings['email'], settings['email_address'], settings['imap_username'], settings['username']].find(
    (v) => typeof v === 'string' && v !== '',
  );
  if (typeof email !== 'string' || !EMAIL.test(email)) throw bad('"settings.email" must be an email address.');
  // With a connector, scopes are the connector's open provider strings; without, the closed v2 vocabulary.
  const scopes = connector ? connectorScopes(connector, requested) : parseScopes(requested, kit.graph, kit.options.defaultScopes, 'scope');
  if (!connector) checkProviderRules(providerName, scopes);
  let verified;
  try {
    // A password reaches the provider only under the login limits (limits/rate-limits.ts).
    verified = await kit.limits.login({ clientId: who.clientId, email, ip: who.ip }, () => provider.verify({ email, name, settings }));
  } catch (e) {
    throw providerFailure(e);
  }
  return {
    email: verified.email,
    name: verified.name ?? name,
    scopes,
    scopeVocabulary: connector ? 'v3' : 'v2',
    settings: verified.settings,
    meta: { ...base, verified: true },
    identity: verified.identity ?? unprovenIdentity(providerName, verified.email, 'provider'),
  };
}

function needConnector(c: ConnectorRecord | undefined, provider: string): ConnectorRecord {
  if (!c) throw bad(`There is no ${provider} connector: create one with POST /v3/connectors first.`);
  return c;
}

function parseSettingsScopes(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const r = scopeList.safeParse(v);
  if (!r.success) throw bad('"settings.scopes" must be a non-empty array of strings.');
  return r.data;
}

/**
 * As in Nylas v3: grant scopes win over the connector's defaults; at least one set must be given; and
 * scopes must literally match the ones the auth application allows.
 */
function connectorScopes(c: ConnectorRecord, requested: readonly string[] | undefined): string[] {
  const scopes = [...new Set(requested ?? c.defaultScopes)];
  if (scopes.length === 0) throw bad(`No scopes: send "scope", or set default scopes on the ${c.provider} connector.`);
  if (c.allowedScopes !== null) {
    const outside = scopes.find((s) => !c.allowedScopes!.includes(s));
    if (outside !== undefined) throw bad(`Scope "${outside.slice(0, 128)}" is not allowed by the ${c.provider} connector.`);
  }
  return scopes;
}

function bad(message: string): GrantKitError {
  return new GrantKitError('invalid_request', message);
}
