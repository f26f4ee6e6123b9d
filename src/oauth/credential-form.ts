import type { ResponseDescriptor } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import type { PageMessage } from '../locales/index.js';
import { checkProviderRules } from '../providers/rules.js';
import { parseScopes } from '../scopes/parse.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import { planV3 } from './consent.js';
import { credentialPage } from './credential-page.js';
import type { ServerFields } from './credential-providers.js';
import { savePageFlow } from './page-flow.js';
import { lookOf } from './page-look.js';
import { signInUrl, type SignInRequest } from './sign-in-request.js';

/** The scopes a credential sign-in gives its grant, in which vocabulary, and through which connector. */
export interface CredentialScopes {
  readonly scopes: readonly string[];
  readonly vocabulary: ScopeVocabulary;
  readonly connectorId?: string;
}

/**
 * The scope rules of the native flows, applied before the form is shown and again when it is
 * posted: v2 as `/connect/authorize` (the Nylas scopes and the provider rules); v3 as
 * `/v3/connect/custom` (the connector's scopes when one serves the client, else the Nylas
 * vocabulary and the provider rules).
 */
export async function credentialScopes(kit: KitContext, r: SignInRequest, provider: string): Promise<CredentialScopes> {
  if (r.api === 'v3') {
    const connector = await kit.connectors.serving(provider, r.clientId);
    if (connector) return { scopes: planV3(connector, r.scopes ?? undefined).requested, vocabulary: 'v3', connectorId: connector.id };
  }
  const scopes = r.api === 'v2' && r.scopes !== null ? [...r.scopes] : parseScopes(r.scopes ?? undefined, kit.graph, kit.options.defaultScopes, 'scope');
  checkProviderRules(provider, scopes);
  return { scopes, vocabulary: 'v2' };
}

export interface CredentialFormState {
  readonly email: string | undefined;
  readonly server?: ServerFields;
  readonly error?: PageMessage;
}

/** Shows a provider's credential form, with a new page flow behind it (checked scope rules first). */
export async function showCredentialForm(kit: KitContext, r: SignInRequest, provider: string, state: CredentialFormState): Promise<ResponseDescriptor> {
  await credentialScopes(kit, r, provider);
  const action = signInUrl(kit, 'credentials');
  const flow = await savePageFlow(kit, { request: r, provider }, kit.hosted.publicUrl!);
  return credentialPage({ action, provider, flow, redirectUri: r.redirectUri, look: lookOf(kit, r), ...state });
}
