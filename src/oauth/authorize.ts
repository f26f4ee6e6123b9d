import * as z from 'zod';
import type { RegisteredClient } from '../clients.js';
import { GrantKitError } from '../errors/error.js';
import { errorPage } from '../errors/pages.js';
import { queryObject } from '../http/body.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';
import { parseInput } from '../http/validate.js';
import type { KitContext } from '../kit/context.js';
import { isV2Scope } from '../scopes/catalog.js';
import { parseScopes } from '../scopes/parse.js';
import { signInRefused, toApp } from './authorize-errors.js';
import { callbackAllowed } from './callback-uri.js';
import { hasCredentialForm } from './credential-providers.js';
import { showEmailPage, type Prompt } from './email-step.js';
import { isHostedProvider } from './hosted.js';
import { catalogueOf } from '../locales/index.js';
import { requestLocale, lookOf } from './page-look.js';
import { pickerPage } from './pages.js';
import { checkChallenge, type PkceMethod } from './pkce.js';
import { pickerChoices, providerStep } from './provider-step.js';
import { authorizeLink, type SignInRequest } from './sign-in-request.js';

export { errorResponse, type AuthorizeError } from './authorize-errors.js';

/** Nylas v3 no longer accepts Microsoft Basic (password) sign-in. */
const MICROSOFT_BASIC = new Set(['ews', 'eas', 'exchange']);

const opt = (max: number) => z.string().max(max).optional();

/** What an authorization request names in v2 and v3 alike (RFC 6749 section 4.1.1), with the same bounds. */
const clientRedirect = {
  client_id: z.string().min(1).max(256),
  redirect_uri: z.string().min(1).max(2048),
  response_type: opt(32),
  // The pages' language (a BCP 47 tag); any value is accepted, and one grantkit has no catalogue for is ignored.
  locale: opt(35),
};

export const v2AuthorizeQuery = z.object({
  ...clientRedirect,
  scopes: opt(2048),
  scope: opt(2048),
  login_hint: opt(320),
  state: opt(255),
  provider: opt(64),
  redirect_on_error: opt(8),
  disable_provider_selection: opt(8),
});

export const v3AuthorizeQuery = z.object({
  ...clientRedirect,
  provider: opt(128),
  scope: opt(8192),
  prompt: opt(64),
  state: opt(256),
  login_hint: opt(320),
  access_type: z.enum(['online', 'offline']).optional(),
  code_challenge: opt(256),
  code_challenge_method: opt(16),
  credential_id: opt(256),
  options: opt(256),
  include_grant_scopes: opt(8),
  nonce: opt(256),
});

/** Reads the query strictly: repeats are refused, and validation errors name the field, never echo the value. */
function readQuery<T extends z.ZodType>(schema: T, req: RequestLike): z.infer<T> {
  return parseInput(schema, queryObject(req.query));
}

/**
 * Client and callback checks that must pass before grantkit redirects anywhere (RFC 6749 section
 * 4.1.2.1). Their error pages offer no way back: the callback URI is in doubt.
 */
function checkClient(kit: KitContext, clientId: string, redirectUri: string, locale: string): RegisteredClient | ResponseDescriptor {
  const client = kit.clients.get(clientId);
  const t = catalogueOf(locale);
  if (!client) return errorPage({ status: 400, type: 'invalid_client', message: 'unknownClient' }, { t });
  if (!callbackAllowed(client, redirectUri)) {
    return errorPage({ status: 400, type: 'grant.callback_uri_not_allowed', message: 'callbackNotRegistered' }, { t, theme: client.theme });
  }
  return client;
}

function isPage(x: RegisteredClient | ResponseDescriptor): x is ResponseDescriptor {
  return 'status' in x;
}

/** PKCE rules at authorization: a public client must use it; the challenge must fit its method. */
function pkce(kit: KitContext, client: RegisteredClient, challenge: string | undefined, method: string | undefined): { challenge?: string; method?: PkceMethod } {
  if (challenge === undefined || challenge === '') {
    if (method !== undefined && method !== '') throw new GrantKitError('invalid_request', '"code_challenge_method" was sent without "code_challenge".');
    if (client.secretHash === null) throw new GrantKitError('invalid_request', 'A public client must use PKCE: send "code_challenge" (S256).');
    return {};
  }
  return { challenge, method: checkChallenge(challenge, method === '' ? undefined : method, { allowPlain: kit.hosted.allowPlainPkce }) };
}

/** GET /oauth/authorize (v2 hosted authentication). */
export async function authorizeV2(kit: KitContext, req: RequestLike): Promise<ResponseDescriptor> {
  const q = readQuery(v2AuthorizeQuery, req);
  const locale = requestLocale(req);
  const checked = checkClient(kit, q.client_id, q.redirect_uri, locale);
  if (isPage(checked)) return checked;
  const to = toApp(kit, { clientId: checked.id, redirectUri: q.redirect_uri, state: q.state, redirectOnError: q.redirect_on_error === 'true', locale });
  try {
    const responseType = q.response_type ?? 'code';
    if (responseType !== 'code' && !(responseType === 'token' && kit.hosted.allowTokenResponse)) {
      throw new GrantKitError('unsupported_response_type', `response_type "${responseType.slice(0, 32)}" is not supported; use "code".`);
    }
    if (checked.secretHash === null && responseType === 'code') {
      throw new GrantKitError('invalid_request', 'A public client must use PKCE, which v2 lacks: use /v3/connect/auth.');
    }
    // The v6 SDK sends `scopes`; accept `scope` too. Comma-separated, the closed v2 vocabulary
    // (parseScopes refuses any other name, so the filter only tells the compiler so).
    const scopes = parseScopes(q.scopes ?? q.scope, kit.graph, kit.options.defaultScopes).filter(isV2Scope);
    const r: SignInRequest = {
      api: 'v2',
      clientId: checked.id,
      redirectUri: q.redirect_uri,
      responseType: responseType === 'token' ? 'token' : 'code',
      ...(q.state !== undefined ? { state: q.state } : {}),
      ...(q.login_hint !== undefined && q.login_hint !== '' ? { loginHint: q.login_hint } : {}),
      accessType: 'online',
      scopes,
      redirectOnError: to.redirect,
      locale,
      query: req.query.toString(),
    };
    signInStarted(kit, r, q.provider);
    // Without a provider, as the v6 SDK's urlForAuthentication sends it: the email page.
    if (q.provider === undefined || q.provider === '') return await showEmailPage(kit, r, {});
    return await providerStep(kit, r, q.provider);
  } catch (e) {
    if (e instanceof GrantKitError && e.status < 500) return signInRefused(kit, { api: 'v2', clientId: checked.id, ...namedProvider(q.provider) }, to, e);
    throw e;
  }
}

/** The provider an authorization request names, if it names one, as the sign-in events record it. */
function namedProvider(provider: string | undefined): { provider?: string } {
  return provider === undefined || provider === '' ? {} : { provider };
}

/** A hosted sign-in begins once its request has passed every check. */
function signInStarted(kit: KitContext, r: SignInRequest, provider: string | undefined): void {
  kit.audit?.emit({ type: 'signin.started', flow: 'hosted', api: r.api, clientId: r.clientId, ...namedProvider(provider) });
}

/** The `prompt` of /v3/connect/auth: `select_provider` (the default), `detect`, or both in the order given. */
function readPrompt(raw: string | undefined): Prompt {
  if (raw === undefined || raw === '') return ['select_provider'];
  const parts = raw.split(',').map((s) => s.trim());
  const prompt = parts.filter((p): p is 'select_provider' | 'detect' => p === 'select_provider' || p === 'detect');
  if (prompt.length !== parts.length || prompt.length > 2 || new Set(prompt).size !== prompt.length) {
    throw new GrantKitError('invalid_request', '"prompt" must be select_provider, detect, select_provider,detect or detect,select_provider.');
  }
  return prompt;
}

/** Checks the `provider` list of /v3/connect/auth: no Microsoft Basic, and only providers with a hosted step. */
function checkV3Providers(named: readonly string[]): void {
  const basic = named.find((n) => MICROSOFT_BASIC.has(n));
  if (basic !== undefined) {
    throw new GrantKitError(
      'invalid_request',
      'Microsoft Basic (password) authentication is not supported in v3: use provider=microsoft, which signs in with OAuth and Microsoft Graph scopes.',
    );
  }
  const unsupported = named.find((n) => !isHostedProvider(n) && !hasCredentialForm('v3', n));
  if (unsupported !== undefined) {
    throw new GrantKitError('invalid_request', `Provider "${unsupported.slice(0, 64)}" does not sign in through hosted OAuth here; use custom authentication.`);
  }
}

/** v3 `scope`: space-separated provider scopes; none (or an empty list) means the connector's defaults. */
function scopeList(scope: string | undefined): string[] | null {
  const list = (scope ?? '').split(' ').map((s) => s.trim()).filter((s) => s !== '');
  return list.length > 0 ? list : null;
}

/** GET /v3/connect/auth. */
export async function authorizeV3(kit: KitContext, req: RequestLike): Promise<ResponseDescriptor> {
  const q = readQuery(v3AuthorizeQuery, req);
  const locale = requestLocale(req);
  const checked = checkClient(kit, q.client_id, q.redirect_uri, locale);
  if (isPage(checked)) return checked;
  const to = toApp(kit, { clientId: checked.id, redirectUri: q.redirect_uri, state: q.state, redirectOnError: true, locale });
  try {
    const responseType = q.response_type ?? 'code';
    if (responseType !== 'code') {
      throw new GrantKitError('unsupported_response_type', `response_type "${responseType.slice(0, 32)}" is not supported; use "code".`);
    }
    const p = pkce(kit, checked, q.code_challenge, q.code_challenge_method);
    const named = (q.provider ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    checkV3Providers(named);
    const scopes = scopeList(q.scope);
    const r: SignInRequest = {
      api: 'v3',
      clientId: checked.id,
      redirectUri: q.redirect_uri,
      responseType: 'code',
      ...(q.state !== undefined ? { state: q.state } : {}),
      ...(q.login_hint !== undefined && q.login_hint !== '' ? { loginHint: q.login_hint } : {}),
      // Nylas clients ask for a refresh token with access_type=offline, OpenID clients with the offline_access scope.
      accessType: q.access_type ?? (scopes?.includes('offline_access') ? 'offline' : 'online'),
      scopes,
      ...p,
      ...(q.nonce !== undefined && q.nonce !== '' ? { nonce: q.nonce } : {}),
      redirectOnError: true,
      locale,
      query: req.query.toString(),
    };
    signInStarted(kit, r, q.provider);
    if (named.length === 1) return await providerStep(kit, r, named[0]!);
    if (named.length > 1) return pickerPage(await pickerChoices(kit, r, named), undefined, lookOf(kit, r));
    const prompt = readPrompt(q.prompt);
    if (prompt[0] === 'detect') return await showEmailPage(kit, r, {});
    const emailLink = prompt.includes('detect') ? authorizeLink(kit, r, { prompt: 'detect,select_provider' }) : undefined;
    return pickerPage(await pickerChoices(kit, r), emailLink, lookOf(kit, r));
  } catch (e) {
    if (e instanceof GrantKitError && e.status < 500) return signInRefused(kit, { api: 'v3', clientId: checked.id, ...namedProvider(q.provider) }, to, e);
    throw e;
  }
}
