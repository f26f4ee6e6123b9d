import { GOOGLE_SCOPES } from './provider-google.js';
import { GRAPH_PREFIX, MICROSOFT_SCOPES } from './provider-microsoft.js';

/** The providers whose own scopes the scope graph knows. */
export type ScopeProvider = 'google' | 'microsoft';

export const SCOPE_PROVIDERS: readonly ScopeProvider[] = ['google', 'microsoft'];

/**
 * The scopes of each provider that a least-privilege search chooses from: every Google scope the
 * graph knows, and Microsoft Graph's in their short form (the form Graph reports back; the full
 * URI means the same). Identity scopes (`openid`, `User.Read`, ...) are not among them: grantkit
 * adds those to every sign-in itself.
 */
export const PROVIDER_CANDIDATES: Readonly<Record<ScopeProvider, readonly string[]>> = {
  google: GOOGLE_SCOPES,
  microsoft: MICROSOFT_SCOPES.filter((s) => !s.startsWith(GRAPH_PREFIX)),
};
