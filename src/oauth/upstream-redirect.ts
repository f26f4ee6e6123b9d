import type { ConnectorRecord } from '../connectors/connector-records.js';
import { GrantKitError } from '../errors/error.js';
import { PAGE_HEADERS } from '../errors/pages.js';
import type { ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import type { ScopePlan } from './consent.js';
import { newFlowNonce, setFlowCookie } from './flow-cookie.js';
import { FLOW_TTL_MS, saveFlow, type FlowData } from './flow-state.js';
import type { SignInRequest } from './sign-in-request.js';

/** The connector serving this client for the provider: its own, or the app's when it serves the client. */
export async function requireConnector(kit: KitContext, provider: string, clientId: string): Promise<ConnectorRecord> {
  const c = await kit.connectors.serving(provider, clientId);
  if (!c) {
    throw new GrantKitError(
      'invalid_request',
      `You cannot create Grants for ${provider.slice(0, 64)} without a connector: create one (POST /v3/connectors) first.`,
    );
  }
  return c;
}

/** A sign-in going to a provider with an OAuth connector: which connector, the grant's provider name, and the scope plan. */
export interface UpstreamStep {
  readonly connector: ConnectorRecord;
  readonly grantProvider: string;
  readonly plan: ScopePlan;
}

/** Saves the flow (through passport's state store) and sends the user to the provider. */
export async function redirectUpstream(kit: KitContext, r: SignInRequest, s: UpstreamStep): Promise<ResponseDescriptor> {
  const flow: FlowData = {
    v: 1,
    api: r.api,
    provider: s.connector.provider,
    grantProvider: s.grantProvider,
    clientId: r.clientId,
    redirectUri: r.redirectUri,
    responseType: r.responseType,
    accessType: r.accessType,
    requested: s.plan.requested,
    upstream: s.plan.upstream,
    needs: s.plan.needs,
    redirectOnError: r.redirectOnError,
    ...(r.state !== undefined ? { state: r.state } : {}),
    ...(r.loginHint !== undefined ? { loginHint: r.loginHint } : {}),
    ...(r.locale !== undefined ? { locale: r.locale } : {}),
    ...(r.challenge !== undefined && r.method !== undefined ? { challenge: r.challenge, method: r.method } : {}),
    ...(r.nonce !== undefined ? { nonce: r.nonce } : {}),
  };
  const strategy = await kit.hosted.strategy(s.connector, kit.connectors.endpoints(s.connector), kit.connectors.clientSecret(s.connector), kit.options.providerTimeoutMs);
  let stateToken: string | undefined;
  const nonce = newFlowNonce();
  const outcome = await strategy.authorizationUrl(s.plan.upstream, {
    save: async (verifier) => (stateToken = await saveFlow(kit, flow, verifier, nonce.hash)),
    params: r.loginHint ? { login_hint: r.loginHint } : {},
  });
  if (outcome.kind !== 'redirect' || stateToken === undefined) {
    throw outcome.kind === 'error' && outcome.error instanceof GrantKitError
      ? outcome.error
      : new GrantKitError('provider_error', 'Could not start the sign-in with the provider.', { cause: outcome.kind === 'error' ? outcome.error : undefined });
  }
  const cookie = setFlowCookie(stateToken, nonce.nonce, kit.hosted.publicUrl!, FLOW_TTL_MS / 1000);
  return { status: 302, headers: { location: outcome.url, 'set-cookie': cookie, ...PAGE_HEADERS } };
}
