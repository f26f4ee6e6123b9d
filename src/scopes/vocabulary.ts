import { V2_SCOPES } from './catalog.js';

/**
 * The language a grant's scopes were granted in.
 *
 * - `v2`: the closed Nylas vocabulary (`email`, `email.read_only`, `calendar`, ...), as the v2
 *   flows take it (native `/connect/*`, hosted `/oauth/authorize`) and as v3 custom authentication
 *   takes it for a native provider without a connector. Here `email` is the full-mailbox scope.
 * - `v3`: the open scope strings of a connector (hosted `/v3/connect/auth`, custom authentication
 *   through a connector), kept literally as the provider returns them. Here `openid`, `email`,
 *   `profile` and `offline_access` are OpenID Connect identity scopes: they say who the user is
 *   and grant no mailbox access.
 *
 * The same string means different things in the two, so a grant records which one it was granted
 * in, and the scope graph reads its scopes in that vocabulary.
 */
export type ScopeVocabulary = 'v2' | 'v3';

export const SCOPE_VOCABULARIES: readonly ScopeVocabulary[] = ['v2', 'v3'];

function isScopeVocabulary(value: unknown): value is ScopeVocabulary {
  return value === 'v2' || value === 'v3';
}

/**
 * Names that, in a vocabulary, stand only for themselves even when the scope graph knows a node of
 * that name: they satisfy no guard. In v3 these are the OpenID Connect identity scopes; `email` is
 * the one that collides, since the v2 vocabulary uses it for the full mailbox. Nylas-named data
 * scopes (`email.read_only`, `calendar`, ...) and provider scopes (`gmail.readonly`, `Mail.Read`)
 * are not listed, so they keep their meaning in both vocabularies.
 */
export const IDENTITY_SCOPES: Readonly<Record<ScopeVocabulary, readonly string[]>> = {
  v2: [],
  v3: ['openid', 'email', 'profile', 'offline_access'],
};

const V2_NAMES: ReadonlySet<string> = new Set(V2_SCOPES);
/** The names v2 hosted sign-in gives its grants; v3 names them `google` and `microsoft`. */
const V2_HOSTED_PROVIDERS: ReadonlySet<string> = new Set(['gmail', 'office365']);

/**
 * What a grant stored before grants recorded their vocabulary was made through, read from its
 * sealed settings: the connector id recorded at sign-in, `null` when the settings record none (the
 * v2 `/connect/*` flow, or v3 custom authentication without a connector), `undefined` when the
 * settings cannot be opened.
 */
export type RecordedConnector = () => string | null | undefined;

/**
 * The vocabulary of a grant: the one it recorded, or, for a grant stored before grants recorded
 * it, the one the flow that made it used, worked out from what the record still shows:
 *
 * 1. a scope outside the closed Nylas vocabulary: only connectors accept those, so `v3`;
 * 2. provider `gmail` or `office365`: only v2 hosted sign-in names grants so, so `v2`;
 * 3. a connector recorded in the sealed settings: made through a connector, so `v3`;
 * 4. none recorded: the v2 `/connect/*` flow or custom authentication without a connector, both of
 *    which check scopes against the closed Nylas vocabulary, so `v2`;
 * 5. settings that cannot be opened: `v3`, the reading that grants less.
 *
 * The sealed settings are opened only when the first two steps do not decide.
 */
export function scopeVocabularyOf(
  record: { readonly scopeVocabulary?: unknown; readonly provider: string; readonly scopes: readonly string[] },
  recordedConnector: RecordedConnector,
): ScopeVocabulary {
  if (isScopeVocabulary(record.scopeVocabulary)) return record.scopeVocabulary;
  if (record.scopes.some((s) => !V2_NAMES.has(s))) return 'v3';
  if (V2_HOSTED_PROVIDERS.has(record.provider)) return 'v2';
  const connector = recordedConnector();
  if (connector === undefined) return 'v3';
  return connector === null ? 'v2' : 'v3';
}
