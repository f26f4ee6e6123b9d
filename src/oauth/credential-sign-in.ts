import * as z from 'zod';
import { GrantKitError } from '../errors/error.js';
import { pageMessage, PageProblem } from '../errors/page-problem.js';
import { PAGE_HEADERS } from '../errors/pages.js';
import { unprovenIdentity } from '../grants/identity.js';
import { issueGrantToken } from '../grants/issue-token.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import { providerFailure } from '../providers/failures.js';
import type { VerifiedAccount } from '../providers/provider.js';
import { signInRefused, toApp } from './authorize-errors.js';
import { authorizationResponseUri } from './callback-uri.js';
import { credentialScopes, showCredentialForm, type CredentialScopes } from './credential-form.js';
import { credentialSettings, type Security, type ServerFields } from './credential-providers.js';
import { clearFlowCookie } from './flow-cookie.js';
import { checkHostedSignIn, upsertHostedGrant, type HostedAccount } from './grants.js';
import { issueHostedCode } from './hosted-code.js';
import { HOSTED_CODE_TTL_MS } from './hosted.js';
import { EMAIL, expiredForm, takeSignInForm } from './sign-in-forms.js';
import type { SignInRequest } from './sign-in-request.js';

export const credentialForm = z.object({
  flow: z.string().max(128),
  csrf_token: z.string().max(128),
  email: z.string().max(320),
  password: z.string().min(1).max(1024),
  username: z.string().max(320).optional(),
  host: z.string().max(255).optional(),
  port: z.string().max(5).optional(),
  security: z.string().max(16).optional(),
});

/** Answers the form shows again: the credentials, or the server the user typed, were wrong, or the server could not be reached. */
function retryable(e: GrantKitError): boolean {
  return e.code === 'invalid_request' || e.code === 'provider_error' || (e.code === 'provider_auth_failed' && e.v3Type === undefined);
}

function securityOf(v: string | undefined): Security {
  return v === 'starttls' || v === 'none' ? v : 'ssl';
}

/**
 * POST /oauth/signin/credentials: a credential form's post. The page flow is consumed (its CSRF
 * token and cookie checked), the native provider verifies the credentials under the login rate
 * limits, the re-authentication rule is asked, and the app's callback gets a code (or, for v2
 * `response_type=token`, a token) with its state by a 303, as after an OAuth provider. Wrong
 * credentials show the form again with the address kept and never the password.
 */
export async function submitCredentials(kit: KitContext, req: RequestLike): Promise<ResponseDescriptor> {
  const posted = await takeSignInForm(kit, req, credentialForm);
  if (!('form' in posted)) return posted;
  const { form, taken } = posted;
  if (taken?.provider === undefined || taken.step !== undefined) return expiredForm(req);
  const { request: r, provider } = taken;
  const email = form.email.trim();
  const server: ServerFields | undefined = provider === 'imap' ? { host: form.host ?? '', port: form.port ?? '', security: securityOf(form.security) } : undefined;
  try {
    const scopes = await credentialScopes(kit, r, provider);
    let verified: VerifiedAccount;
    try {
      if (!EMAIL.test(email)) throw new PageProblem('enterEmail');
      verified = await verifyCredentials(kit, r.clientId, provider, email, credentialSettings(provider, { ...form, email }), req.ip);
    } catch (e) {
      if (e instanceof GrantKitError && retryable(e)) {
        return await showCredentialForm(kit, r, provider, { email, error: pageMessage(e, 'checkDetails'), ...(server === undefined ? {} : { server }) });
      }
      throw e;
    }
    const location = await signedIn(kit, r, provider, scopes, verified);
    return { status: 303, headers: { location, 'set-cookie': clearFlowCookie(form.flow, kit.hosted.publicUrl!, 'signin'), ...PAGE_HEADERS } };
  } catch (e) {
    // The callback URI is known good: errors go back to the app (or, for v2 without redirect_on_error, to a page).
    if (e instanceof GrantKitError) return signInRefused(kit, { api: r.api, clientId: r.clientId, provider }, toApp(kit, r), e);
    throw e;
  }
}

/** The kit's native provider of that name checks the credentials, under the login limits, as /connect/authorize and /v3/connect/custom do. */
async function verifyCredentials(
  kit: KitContext,
  clientId: string,
  providerName: string,
  email: string,
  settings: Readonly<Record<string, unknown>>,
  ip: string | undefined,
): Promise<VerifiedAccount> {
  const provider = kit.providers.get(providerName);
  if (!provider) throw new GrantKitError('invalid_request', `Provider "${providerName.slice(0, 64)}" is not enabled.`);
  try {
    return await kit.limits.login({ clientId, email, ip }, () => provider.verify({ email, name: '', settings }));
  } catch (e) {
    throw providerFailure(e);
  }
}

/** The sign-in succeeded at the provider: the re-authentication rule, then the code (or token) for the app's callback. */
async function signedIn(kit: KitContext, r: SignInRequest, provider: string, scopes: CredentialScopes, verified: VerifiedAccount): Promise<string> {
  const account: HostedAccount = {
    clientId: r.clientId,
    grantProvider: provider,
    connectorId: scopes.connectorId,
    email: verified.email,
    name: verified.name ?? '',
    scopes: scopes.scopes,
    scopeVocabulary: scopes.vocabulary,
    ...(r.state !== undefined ? { state: r.state } : {}),
    identity: verified.identity ?? unprovenIdentity(provider, verified.email, 'provider'),
  };
  await checkHostedSignIn(kit, account);
  if (r.responseType === 'token') {
    const grant = await upsertHostedGrant(kit, account, verified.settings, 'hosted');
    const accessToken = await issueGrantToken(kit, { kind: 'access', grant, family: null, expiresAt: null });
    kit.audit?.emit({ type: 'signin.succeeded', flow: 'hosted', api: r.api, clientId: r.clientId, provider, grantId: grant.id });
    const params = { access_token: accessToken, token_type: 'bearer', account_id: grant.id, state: r.state };
    return authorizationResponseUri(kit.options.issuer, r.redirectUri, params, true);
  }
  const code = await issueHostedCode(
    kit,
    {
      api: r.api,
      provider,
      grantProvider: provider,
      ...(scopes.connectorId !== undefined ? { connectorId: scopes.connectorId } : {}),
      clientId: r.clientId,
      redirectUri: r.redirectUri,
      email: account.email,
      name: account.name,
      scopes: account.scopes,
      scopeVocabulary: scopes.vocabulary,
      verifiedBy: 'native',
      accessType: r.accessType,
      ...(account.identity !== undefined ? { identity: account.identity } : {}),
      ...(r.state !== undefined ? { state: r.state } : {}),
      ...(r.challenge !== undefined && r.method !== undefined ? { challenge: r.challenge, method: r.method } : {}),
      ...(r.nonce !== undefined ? { nonce: r.nonce } : {}),
    },
    verified.settings,
    HOSTED_CODE_TTL_MS,
  );
  return authorizationResponseUri(kit.options.issuer, r.redirectUri, { code, state: r.state });
}
