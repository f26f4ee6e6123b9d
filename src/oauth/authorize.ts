import { z } from 'zod';
import type { RegisteredClient } from '../clients.js';
import type { ConnectorRecord } from '../connectors/connector-records.js';
import { GrantKitError } from '../errors/error.js';
import { queryObject } from '../http/body.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';
import { parseInput } from '../http/validate.js';
import { isV2Scope } from '../scopes/catalog.js';
import { parseScopes } from '../scopes/parse.js';
import { callbackAllowed, withParams } from './callback-uri.js';
import { planV2, planV3, type ScopePlan } from './consent.js';
import { newFlowNonce, setFlowCookie } from './flow-cookie.js';
import { FLOW_TTL_MS, saveFlow, type FlowData } from './flow-state.js';
import { HOSTED_PROVIDERS, isHostedProvider } from './hosted.js';
import { errorPage, PAGE_HEADERS, renderErrorPage } from '../errors/pages.js';
import { pickerPage } from './pages.js';
import { checkChallenge, type PkceMethod } from './pkce.js';
import { V2_HOSTED_CONNECTORS, v2HostedConnector, v2HostedName } from '../providers/families.js';
import type { KitContext } from '../kit/context.js';

/** How the provider picker names each connector. */
const LABEL: Readonly<Record<string, string>> = { google: 'Google', microsoft: 'Microsoft', oauth2: 'Single sign-on' };
/** Nylas v3 no longer accepts Microsoft Basic (password) sign-in. */
const MICROSOFT_BASIC = new Set(['ews', 'eas', 'exchange']);

const opt = (max: number) => z.string().max(max).optional();

const v2Query = z.object({
  client_id: z.string().min(1).max(256),
  redirect_uri: z.string().min(1).max(2048),
  response_type: opt(32),
  scopes: opt(2048),
  scope: opt(2048),
  login_hint: opt(320),
  state: opt(255),
  provider: opt(64),
  redirect_on_error: opt(8),
  disable_provider_selection: opt(8),
});

const v3Query = z.object({
  client_id: z.string().min(1).max(256),
  redirect_uri: z.string().min(1).max(2048),
  response_type: opt(32),
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
});

/** Reads the query strictly: repeats are refused, and validation errors name the field, never echo the value. */
function readQuery<T extends z.ZodType>(schema: T, req: RequestLike): z.infer<T> {
  return parseInput(schema, queryObject(req.query));
}

/** Client and callback checks that must pass before grantkit redirects anywhere (RFC 6749 section 4.1.2.1). */
function checkClient(kit: KitContext, clientId: string, redirectUri: string): RegisteredClient | ResponseDescriptor {
  const client = kit.clients.get(clientId);
  if (!client) return errorPage(400, 'invalid_client', 'Unknown client_id.');
  if (!callbackAllowed(client, redirectUri)) {
    return errorPage(400, 'grant.callback_uri_not_allowed', 'The redirect_uri is not registered for this client.');
  }
  return client;
}

function isPage(x: RegisteredClient | ResponseDescriptor): x is ResponseDescriptor {
  return 'status' in x;
}

export interface AuthorizeError {
  readonly redirectUri: string;
  readonly state: string | undefined;
  /** v2 without redirect_on_error shows a page instead. */
  readonly redirect: boolean;
}

/** An error after the client and callback are known good: back to the app (OAuth style), or a page. */
export function errorResponse(to: AuthorizeError, err: GrantKitError): ResponseDescriptor {
  const oauthError = oauthErrorOf(err);
  // A rate-limited sign-in is always a page: the user must read when to try again.
  if (err.code === 'rate_limited' || !to.redirect) return renderErrorPage(err, err.v3Type ?? oauthError);
  const location = withParams(to.redirectUri, {
    error: oauthError,
    error_description: err.message,
    ...(err.v3Type !== undefined ? { error_type: err.v3Type } : {}),
    state: to.state,
  });
  return { status: 302, headers: { location, ...PAGE_HEADERS } };
}

/** RFC 6749 section 4.1.2.1 error codes: the user or provider said no, the server failed, or the request was bad. */
function oauthErrorOf(err: GrantKitError): string {
  if (err.code === 'unsupported_response_type') return 'unsupported_response_type';
  if (err.code === 'provider_auth_failed' || err.v3Type === 'grant.scopes_conflict') return 'access_denied';
  if (err.status >= 500) return 'server_error';
  return 'invalid_request';
}

/** The connector serving this client for the provider: its own, or the app's when it serves the client. */
async function requireConnector(kit: KitContext, provider: string, clientId: string): Promise<ConnectorRecord> {
  const c = await kit.connectors.serving(provider, clientId);
  if (!c) {
    throw new GrantKitError(
      'invalid_request',
      `You cannot create Grants for ${provider.slice(0, 64)} without a connector: create one (POST /v3/connectors) first.`,
    );
  }
  return c;
}

/** The provider picker: the configured hosted connectors, each a link to this request plus `provider`. */
async function picker(
  kit: KitContext,
  req: RequestLike,
  clientId: string,
  offer: readonly { provider: string; param: string }[],
): Promise<ResponseDescriptor> {
  const choices = [];
  for (const o of offer) {
    if (!(await kit.connectors.serving(o.provider, clientId))) continue;
    const q = new URLSearchParams(req.query);
    q.set('provider', o.param);
    choices.push({ label: LABEL[o.provider] ?? o.provider, href: `${req.path}?${q.toString()}` });
  }
  return pickerPage(choices);
}

interface Start {
  readonly api: 'v2' | 'v3';
  readonly connector: ConnectorRecord;
  readonly grantProvider: string;
  readonly client: RegisteredClient;
  readonly redirectUri: string;
  readonly responseType: 'code' | 'token';
  readonly state: string | undefined;
  readonly loginHint: string | undefined;
  readonly accessType: 'online' | 'offline';
  readonly plan: ScopePlan;
  readonly challenge: string | undefined;
  readonly method: PkceMethod | undefined;
  readonly redirectOnError: boolean;
}

/** Saves the flow (through passport's state store) and sends the user to the provider. */
async function redirectUpstream(kit: KitContext, s: Start): Promise<ResponseDescriptor> {
  const flow: FlowData = {
    v: 1,
    api: s.api,
    provider: s.connector.provider,
    grantProvider: s.grantProvider,
    clientId: s.client.id,
    redirectUri: s.redirectUri,
    responseType: s.responseType,
    accessType: s.accessType,
    requested: s.plan.requested,
    upstream: s.plan.upstream,
    needs: s.plan.needs,
    redirectOnError: s.redirectOnError,
    ...(s.state !== undefined ? { state: s.state } : {}),
    ...(s.loginHint !== undefined ? { loginHint: s.loginHint } : {}),
    ...(s.challenge !== undefined && s.method !== undefined ? { challenge: s.challenge, method: s.method } : {}),
  };
  const strategy = kit.hosted.strategy(s.connector, kit.connectors.endpoints(s.connector), kit.connectors.clientSecret(s.connector), kit.options.providerTimeoutMs);
  let stateToken: string | undefined;
  const nonce = newFlowNonce();
  const outcome = await strategy.authorizationUrl(s.plan.upstream, {
    save: async (verifier) => (stateToken = await saveFlow(kit, flow, verifier, nonce.hash)),
    params: s.loginHint ? { login_hint: s.loginHint } : {},
  });
  if (outcome.kind !== 'redirect' || stateToken === undefined) {
    throw outcome.kind === 'error' && outcome.error instanceof GrantKitError
      ? outcome.error
      : new GrantKitError('provider_error', 'Could not start the sign-in with the provider.', { cause: outcome.kind === 'error' ? outcome.error : undefined });
  }
  const cookie = setFlowCookie(stateToken, nonce.nonce, kit.hosted.publicUrl!, FLOW_TTL_MS / 1000);
  return { status: 302, headers: { location: outcome.url, 'set-cookie': cookie, ...PAGE_HEADERS } };
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
  const q = readQuery(v2Query, req);
  const checked = checkClient(kit, q.client_id, q.redirect_uri);
  if (isPage(checked)) return checked;
  const to: AuthorizeError = { redirectUri: q.redirect_uri, state: q.state, redirect: q.redirect_on_error === 'true' };
  try {
    const responseType = q.response_type ?? 'code';
    if (responseType !== 'code' && !(responseType === 'token' && kit.hosted.allowTokenResponse)) {
      throw new GrantKitError('unsupported_response_type', `response_type "${responseType.slice(0, 32)}" is not supported; use "code".`);
    }
    if (checked.secretHash === null && responseType === 'code') {
      throw new GrantKitError('invalid_request', 'A public client must use PKCE, which v2 lacks: use /v3/connect/auth.');
    }
    if (q.provider === undefined || q.provider === '') {
      return await picker(
        kit,
        req,
        checked.id,
        Object.entries(V2_HOSTED_CONNECTORS).map(([param, provider]) => ({ provider, param })),
      );
    }
    const provider = v2HostedConnector(q.provider);
    if (provider === undefined) {
      throw new GrantKitError('invalid_request', `Provider "${q.provider.slice(0, 64)}" does not use hosted sign-in; use gmail or office365, or native authentication.`);
    }
    const connector = await requireConnector(kit, provider, checked.id);
    // The v6 SDK sends `scopes`; accept `scope` too. Comma-separated, the closed v2 vocabulary
    // (parseScopes refuses any other name, so the filter only tells the compiler so).
    const scopes = parseScopes(q.scopes ?? q.scope, kit.graph, kit.options.defaultScopes).filter(isV2Scope);
    return await redirectUpstream(kit, {
      api: 'v2',
      connector,
      grantProvider: v2HostedName(provider),
      client: checked,
      redirectUri: q.redirect_uri,
      responseType: responseType === 'token' ? 'token' : 'code',
      state: q.state,
      loginHint: q.login_hint === '' ? undefined : q.login_hint,
      accessType: 'online',
      plan: planV2(provider, scopes),
      challenge: undefined,
      method: undefined,
      redirectOnError: to.redirect,
    });
  } catch (e) {
    if (e instanceof GrantKitError && e.status < 500) return errorResponse(to, e);
    throw e;
  }
}

/** GET /v3/connect/auth. */
export async function authorizeV3(kit: KitContext, req: RequestLike): Promise<ResponseDescriptor> {
  const q = readQuery(v3Query, req);
  const checked = checkClient(kit, q.client_id, q.redirect_uri);
  if (isPage(checked)) return checked;
  const to: AuthorizeError = { redirectUri: q.redirect_uri, state: q.state, redirect: true };
  try {
    const responseType = q.response_type ?? 'code';
    if (responseType !== 'code') {
      throw new GrantKitError('unsupported_response_type', `response_type "${responseType.slice(0, 32)}" is not supported; use "code".`);
    }
    const p = pkce(kit, checked, q.code_challenge, q.code_challenge_method);
    const named = (q.provider ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const basic = named.find((n) => MICROSOFT_BASIC.has(n));
    if (basic !== undefined) {
      throw new GrantKitError(
        'invalid_request',
        'Microsoft Basic (password) authentication is not supported in v3: use provider=microsoft, which signs in with OAuth and Microsoft Graph scopes.',
      );
    }
    const unsupported = named.find((n) => !isHostedProvider(n));
    if (unsupported !== undefined) {
      throw new GrantKitError('invalid_request', `Provider "${unsupported.slice(0, 64)}" does not sign in through hosted OAuth here; use custom authentication.`);
    }
    if (named.length !== 1) {
      const offer = (named.length > 1 ? named : HOSTED_PROVIDERS).map((p) => ({ provider: p, param: p }));
      return await picker(kit, req, checked.id, offer);
    }
    const connector = await requireConnector(kit, named[0]!, checked.id);
    const scopes = q.scope?.split(' ').map((s) => s.trim()).filter((s) => s !== '');
    return await redirectUpstream(kit, {
      api: 'v3',
      connector,
      grantProvider: connector.provider,
      client: checked,
      redirectUri: q.redirect_uri,
      responseType: 'code',
      state: q.state,
      loginHint: q.login_hint === '' ? undefined : q.login_hint,
      accessType: q.access_type ?? 'online',
      plan: planV3(connector, scopes),
      challenge: p.challenge,
      method: p.method,
      redirectOnError: true,
    });
  } catch (e) {
    if (e instanceof GrantKitError && e.status < 500) return errorResponse(to, e);
    throw e;
  }
}
