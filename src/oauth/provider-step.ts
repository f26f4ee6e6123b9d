import { GrantKitError } from '../errors/error.js';
import type { ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import { v2HostedConnector, v2HostedName, V2_HOSTED_CONNECTORS } from '../providers/families.js';
import { isV2Scope } from '../scopes/catalog.js';
import { planV2, planV3 } from './consent.js';
import { showConsentPage, type ConsentScopes } from './consent-page.js';
import { credentialScopes, showCredentialForm, type CredentialScopes } from './credential-form.js';
import { hasCredentialForm, providerLabel } from './credential-providers.js';
import { HOSTED_PROVIDERS, isHostedProvider } from './hosted.js';
import { catalogueOf } from '../locales/index.js';
import type { PickerChoice } from './pages.js';
import { authorizeLink, type SignInRequest } from './sign-in-request.js';
import { redirectUpstream, requireConnector, type UpstreamStep } from './upstream-redirect.js';

/** The step a provider leads to: the redirect to its OAuth connector, or grantkit's credential form. */
type Step = { readonly kind: 'upstream'; readonly upstream: UpstreamStep } | { readonly kind: 'form'; readonly scopes: CredentialScopes };

/** The step for this provider, once the connector and the scope rules have been checked. */
async function stepOf(kit: KitContext, r: SignInRequest, provider: string): Promise<Step> {
  const v2 = r.api === 'v2' ? v2HostedConnector(provider) : undefined;
  if (v2 !== undefined) {
    const connector = await requireConnector(kit, v2, r.clientId);
    return { kind: 'upstream', upstream: { connector, grantProvider: v2HostedName(v2), plan: planV2(v2, (r.scopes ?? []).filter(isV2Scope)) } };
  }
  if (r.api === 'v3' && isHostedProvider(provider)) {
    const connector = await requireConnector(kit, provider, r.clientId);
    return { kind: 'upstream', upstream: { connector, grantProvider: connector.provider, plan: planV3(connector, r.scopes ?? undefined) } };
  }
  if (hasCredentialForm(r.api, provider) && kit.providers.has(provider)) return { kind: 'form', scopes: await credentialScopes(kit, r, provider) };
  if (r.api === 'v2') {
    throw new GrantKitError('invalid_request', `Provider "${provider.slice(0, 64)}" does not use hosted sign-in; use gmail or office365, or native authentication.`);
  }
  throw new GrantKitError('invalid_request', `Provider "${provider.slice(0, 64)}" does not sign in through hosted OAuth here; use custom authentication.`);
}

/** The scopes a step's sign-in asks for, as the consent screen lists them. */
function askedScopes(r: SignInRequest, step: Step): ConsentScopes {
  if (step.kind === 'upstream') return { scopes: step.upstream.plan.requested, vocabulary: r.api === 'v2' ? 'v2' : 'provider' };
  return { scopes: step.scopes.scopes, vocabulary: step.scopes.vocabulary === 'v2' ? 'v2' : 'provider' };
}

/**
 * What a hosted sign-in does once its provider is known: a provider with an OAuth connector
 * sends the user there; a provider signed in with a password shows grantkit's credential form;
 * anything else is an error, as it was before there were forms. A client with `consent: true`
 * first gets the consent screen, once the provider is known (so it can list the scopes the
 * sign-in will really ask for) and before any credential or redirect; its post comes back here
 * with `consented`.
 */
export async function providerStep(kit: KitContext, r: SignInRequest, provider: string, consented = false): Promise<ResponseDescriptor> {
  const step = await stepOf(kit, r, provider);
  if (!consented && kit.clients.get(r.clientId)?.consent === true) {
    return showConsentPage(kit, r, provider, askedScopes(r, step), await upstreamTargets(kit, r));
  }
  if (step.kind === 'upstream') return redirectUpstream(kit, r, step.upstream);
  return showCredentialForm(kit, r, provider, { email: r.loginHint });
}

/** The OAuth connector a provider name signs in through in this API, if it is one. */
function oauthConnectorOf(api: 'v2' | 'v3', provider: string): string | undefined {
  if (api === 'v2') return v2HostedConnector(provider);
  return isHostedProvider(provider) ? provider : undefined;
}

/** Whether this client can sign in with this provider here: its OAuth connector serves the client, or its form's verifier is enabled. */
export async function providerAvailable(kit: KitContext, r: SignInRequest, provider: string): Promise<boolean> {
  const oauth = oauthConnectorOf(r.api, provider);
  if (oauth !== undefined) return (await kit.connectors.serving(oauth, r.clientId)) !== undefined;
  return hasCredentialForm(r.api, provider) && kit.providers.has(provider);
}

/** The v2 names with credential forms, in the order the picker lists them. */
const V2_FORM_ORDER = ['imap', 'yahoo', 'aol', 'icloud', 'hotmail', 'outlook', 'sandbox'];
const V3_FORM_ORDER = ['imap', 'icloud', 'yahoo'];

/**
 * The picker's choices: in v2, the OAuth providers with a connector and the password providers the
 * kit enables; in v3, the providers with a connector serving the client (the sandbox has none, so
 * a v3 sign-in names it). `only` narrows the list (v3 `provider=a,b`).
 */
export async function pickerChoices(kit: KitContext, r: SignInRequest, only?: readonly string[], extra: Readonly<Record<string, string>> = {}): Promise<PickerChoice[]> {
  const names = only ?? (r.api === 'v2' ? [...Object.keys(V2_HOSTED_CONNECTORS), ...V2_FORM_ORDER] : [...HOSTED_PROVIDERS, ...V3_FORM_ORDER]);
  const t = catalogueOf(r.locale);
  const choices: PickerChoice[] = [];
  for (const name of names) {
    if (!(await providerAvailable(kit, r, name))) continue;
    // v3 lists a password provider when the app made it a connector, as Nylas does.
    const listed = r.api === 'v2' || only !== undefined || isHostedProvider(name) || (await kit.connectors.serving(name, r.clientId)) !== undefined;
    if (listed) choices.push({ label: providerLabel(name, t), href: authorizeLink(kit, r, { ...extra, provider: name }) });
  }
  return choices;
}

/** Where an OAuth provider of the picker would send the user: the origins an email page's post may redirect to. */
export async function upstreamTargets(kit: KitContext, r: SignInRequest): Promise<string[]> {
  const targets = [r.redirectUri];
  for (const name of r.api === 'v2' ? Object.values(V2_HOSTED_CONNECTORS) : HOSTED_PROVIDERS) {
    const connector = await kit.connectors.serving(name, r.clientId);
    const endpoints = connector ? kit.connectors.endpoints(connector) : undefined;
    if (endpoints !== undefined) targets.push(endpoints.authorizationUrl);
  }
  return targets;
}
