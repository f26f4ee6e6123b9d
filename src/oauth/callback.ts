import { issueGrantToken } from '../grants/issue-token.js';
import * as z from 'zod';
import { GrantKitError } from '../errors/error.js';
import { queryObject } from '../http/body.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';
import { parseInput } from '../http/validate.js';
import { signInRefused, toApp } from './authorize-errors.js';
import { authorizationResponseUri } from './callback-uri.js';
import { consented } from './consent.js';
import { clearFlowCookie, flowCookieMatches } from './flow-cookie.js';
import { takeFlow, type FlowData } from './flow-state.js';
import { oauthIdentity } from '../grants/identity.js';
import { idTokenClaims } from '../providers/oauth-refresh.js';
import { checkHostedSignIn, upsertHostedGrant, type HostedAccount } from './grants.js';
import { issueHostedCode, type ProviderTokens } from './hosted-code.js';
import { HOSTED_CODE_TTL_MS } from './hosted.js';
import type { UpstreamTokens } from './strategy.js';
import type { ConnectorRecord } from '../connectors/connector-records.js';
import { PageProblem } from '../errors/page-problem.js';
import { errorPage, PAGE_HEADERS } from '../errors/pages.js';
import type { PageMessage } from '../locales/index.js';
import { lookOf, requestLook } from './page-look.js';
import type { KitContext } from '../kit/context.js';

export const callbackQuery = z.object({
  state: z.string().max(512).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
  error_uri: z.string().max(2048).optional(),
  // Providers add their own (Google: scope, authuser, prompt; Microsoft: session_state; RFC 9207: iss).
  scope: z.string().max(8192).optional(),
  iss: z.string().max(2048).optional(),
});

const MISMATCH: Readonly<Record<string, PageMessage>> = {
  unknown: 'flowUnknown',
  replayed: 'flowReplayed',
  provider_mismatch: 'flowOtherProvider',
};

/** A callback that names no flow this browser started: a plain page in the request's language (the client is in doubt). */
function callbackError(req: RequestLike, message: PageMessage, type = 'grant.login_id_invalid'): ResponseDescriptor {
  return errorPage({ status: 400, type, message }, requestLook(req));
}

/**
 * GET /oauth/callback/:provider: the provider sends the user back here. The flow named by `state`
 * is consumed (once), must have started with this provider, and then passport exchanges the code
 * and loads the profile. Success: a one-time code (or, for v2 response_type=token, an access
 * token in the fragment) goes back to the app's callback URI with the app's state.
 */
export async function hostedCallback(kit: KitContext, provider: string, req: RequestLike): Promise<ResponseDescriptor> {
  let q: z.infer<typeof callbackQuery>;
  try {
    q = parseInput(callbackQuery.loose(), queryObject(req.query));
  } catch (e) {
    if (e instanceof GrantKitError) return callbackError(req, 'badProviderAnswer', 'invalid_request');
    throw e;
  }
  if (q.state === undefined || q.state === '') return callbackError(req, 'noState', 'invalid_request');
  const taken = await takeFlow(kit, q.state, provider);
  if (!taken.ok) {
    kit.audit?.emit({ type: 'signin.failed', flow: 'hosted', provider, reason: 'flow_invalid' });
    return callbackError(req, MISMATCH[taken.reason] ?? 'flowUnknown');
  }
  const flow = taken.flow.data;
  const party = { api: flow.api, clientId: flow.clientId, provider } as const;
  // The flow is consumed either way: a state arriving in another browser cannot be retried.
  const cookieHeader = req.headers.cookie;
  if (!flowCookieMatches(typeof cookieHeader === 'string' ? cookieHeader : undefined, q.state, taken.flow.cookieHash)) {
    kit.audit?.emit({ type: 'signin.failed', flow: 'hosted', ...party, reason: 'flow_invalid' });
    // The flow is known (and so its client and language), but not to this browser: no way back to the app is offered.
    return errorPage({ status: 400, type: 'grant.login_id_invalid', message: 'flowOtherBrowser' }, lookOf(kit, flow));
  }
  const clear = { 'set-cookie': clearFlowCookie(q.state, kit.hosted.publicUrl ?? 'http://localhost') };
  const to = toApp(kit, flow);
  try {
    const { connector, tokens } = await exchangeUpstream(kit, provider, flow.clientId, q, { state: q.state, verifier: taken.flow.verifier });
    const scopes = consented({ requested: flow.requested, upstream: flow.upstream, needs: flow.needs }, provider, tokens.params['scope']);
    const providerTokens = providerTokensOf(tokens, kit.now());
    // Who signed in: the id_token of the code exchange (when `openid` was asked), overlaid with userinfo.
    const idToken = typeof tokens.params['id_token'] === 'string' ? tokens.params['id_token'] : undefined;
    const identity = oauthIdentity(provider, tokens.profile.email, { ...idTokenClaims(idToken), ...tokens.profile.claims });
    const account: HostedAccount = {
      clientId: flow.clientId,
      grantProvider: flow.grantProvider,
      connectorId: connector.id,
      email: tokens.profile.email,
      name: tokens.profile.name,
      scopes,
      scopeVocabulary: flow.api,
      ...(flow.state !== undefined ? { state: flow.state } : {}),
      identity,
    };
    // The provider has authenticated the user; only now may the answer depend on the address's grant.
    await checkHostedSignIn(kit, account);
    const location =
      flow.responseType === 'token'
        ? await implicitLocation(kit, flow, account, providerTokens)
        : await codeLocation(kit, provider, flow, account, providerTokens);
    return { status: 302, headers: { location, ...clear, ...PAGE_HEADERS } };
  } catch (e) {
    // Past this point the callback URI is known good: every grantkit error goes back to the app
    // (or, for v2 without redirect_on_error, to an error page), including 5xx as server_error.
    if (e instanceof GrantKitError) return signInRefused(kit, party, to, e);
    throw e;
  }
}

/**
 * The provider's answer at the callback, exchanged for tokens and a profile through the connector
 * of the client that started the sign-in (never another client's).
 */
async function exchangeUpstream(
  kit: KitContext,
  provider: string,
  clientId: string,
  q: z.infer<typeof callbackQuery>,
  flow: { readonly state: string; readonly verifier: string | null },
): Promise<{ readonly connector: ConnectorRecord; readonly tokens: UpstreamTokens }> {
  if (q.error !== undefined) {
    // The user declined, or the provider refused: tell the app without echoing the provider's text.
    throw q.error === 'access_denied' ? new PageProblem('accessNotGranted', 'provider_auth_failed') : new PageProblem('providerFailed');
  }
  if (q.code === undefined || q.code === '') throw new PageProblem('noCode');
  const connector = await kit.connectors.serving(provider, clientId);
  if (!connector) throw new GrantKitError('invalid_request', `The ${provider.slice(0, 64)} connector was removed during the sign-in.`);
  const strategy = await kit.hosted.strategy(connector, kit.connectors.endpoints(connector), kit.connectors.clientSecret(connector), kit.options.providerTimeoutMs);
  const outcome = await strategy.callback(q.code, flow.state, flow.verifier);
  if (outcome.kind === 'fail') throw new PageProblem('providerFailed', 'provider_auth_failed');
  if (outcome.kind === 'error') throw new PageProblem('providerFailed', 'provider_auth_failed', { cause: outcome.error });
  if (outcome.kind !== 'success') throw new GrantKitError('provider_error', 'Unexpected answer from the provider.');
  return { connector, tokens: outcome.tokens };
}

/** What is sealed of the provider's tokens: the access token with its expiry, the refresh token, the scope granted. */
function providerTokensOf(tokens: UpstreamTokens, now: number): ProviderTokens {
  const expiresIn = Number(tokens.params['expires_in']);
  return {
    access_token: tokens.accessToken,
    ...(tokens.refreshToken !== undefined ? { refresh_token: tokens.refreshToken } : {}),
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { access_token_expires_at: now + expiresIn * 1000 } : {}),
    ...(typeof tokens.params['scope'] === 'string' ? { scope: tokens.params['scope'] } : {}),
  };
}

/** v2 implicit (opt-in): the grant is made now and its token travels in the fragment. */
async function implicitLocation(kit: KitContext, flow: FlowData, account: HostedAccount, providerTokens: ProviderTokens): Promise<string> {
  const grant = await upsertHostedGrant(kit, account, providerTokens, 'hosted');
  const accessToken = await issueGrantToken(kit, { kind: 'access', grant, family: null, expiresAt: null });
  kit.audit?.emit({ type: 'signin.succeeded', flow: 'hosted', api: flow.api, clientId: grant.clientId, provider: grant.provider, grantId: grant.id });
  return authorizationResponseUri(
    kit.options.issuer,
    flow.redirectUri,
    { access_token: accessToken, token_type: 'bearer', account_id: grant.id, state: flow.state },
    true,
  );
}

/** The authorization code flow: a one-time code for the app's callback URI, redeemed at the token endpoint. */
async function codeLocation(kit: KitContext, provider: string, flow: FlowData, account: HostedAccount, providerTokens: ProviderTokens): Promise<string> {
  const code = await issueHostedCode(
    kit,
    {
      api: flow.api,
      provider,
      grantProvider: flow.grantProvider,
      connectorId: account.connectorId,
      clientId: flow.clientId,
      redirectUri: flow.redirectUri,
      email: account.email,
      name: account.name,
      scopes: account.scopes,
      identity: account.identity,
      accessType: flow.accessType,
      ...(flow.state !== undefined ? { state: flow.state } : {}),
      ...(flow.challenge !== undefined && flow.method !== undefined ? { challenge: flow.challenge, method: flow.method } : {}),
      ...(flow.nonce !== undefined ? { nonce: flow.nonce } : {}),
    },
    providerTokens,
    HOSTED_CODE_TTL_MS,
  );
  return authorizationResponseUri(kit.options.issuer, flow.redirectUri, { code, state: flow.state });
}
