import type { LeastPrivilege, RouteNeed, ScopeSolver } from '../scopes/least-privilege.js';
import type { ScopeProvider } from '../scopes/provider-candidates.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';

/** What the advisor reads of a connector. */
export interface ConnectorDefaults {
  readonly provider: string;
  /** The client that owns it, or null for the app's own. */
  readonly owner: string | null;
  readonly defaultScopes: readonly string[];
}

/** A connector, its default scopes, and the least-privileged ones for the app's routes. */
export interface ConnectorAdvice extends ConnectorDefaults {
  /** Google and Microsoft connectors: that provider's own scopes; any other: Nylas scopes. */
  readonly suggested: readonly string[];
}

/** Whose default scopes a warning is about: the kit's `defaultScopes` option, or a connector's. */
export type WarningSubject =
  | { readonly kind: 'defaultScopes' }
  | { readonly kind: 'connector'; readonly provider: string; readonly owner: string | null };

/**
 * Default scopes that do not fit the app's routes. `wider`: they allow scopes (`beyond`) that the
 * least-privileged set does not, and cost more than it. `narrower`: they leave `routes` refused.
 */
export interface ScopeWarning {
  readonly kind: 'wider' | 'narrower';
  readonly subject: WarningSubject;
  /** The default scopes in question. */
  readonly scopes: readonly string[];
  /** What would do instead: the least-privileged set in the same scope language. */
  readonly suggested: readonly string[];
  /** `wider`: the implied scopes no route needs the defaults to have. */
  readonly beyond: readonly string[];
  /** `narrower`: the routes (`GET /path`) the defaults do not satisfy. */
  readonly routes: readonly string[];
  readonly message: string;
}

/** The least-privileged sets a report found. */
export interface BestSets {
  readonly nylas: LeastPrivilege;
  readonly providers: Readonly<Record<ScopeProvider, LeastPrivilege>>;
}

interface RouteLike {
  readonly method: string;
  readonly path: string;
  readonly requirements: RouteNeed;
}

/** The solvers of one graph: over Nylas scopes, and over each provider's own. */
export interface Solvers {
  readonly nylas: ScopeSolver;
  readonly providers: Readonly<Record<ScopeProvider, ScopeSolver>>;
}

/** A connector is measured in its provider's own scopes when the graph knows them. */
function isScopeProvider(name: string): name is ScopeProvider {
  return name === 'google' || name === 'microsoft';
}

export function connectorAdvice(c: ConnectorDefaults, best: BestSets): ConnectorAdvice {
  const suggested = isScopeProvider(c.provider) ? best.providers[c.provider].scopes : best.nylas.scopes;
  return { provider: c.provider, owner: c.owner, defaultScopes: c.defaultScopes, suggested };
}

/**
 * The warnings about the kit's default scopes (read as Nylas scopes) and each connector's (read
 * as a connector's grants are, in the v3 vocabulary). A connector with no default scopes has none
 * to warn about: its sign-ins must name their scopes.
 */
export function defaultScopesWarnings(
  routes: readonly RouteLike[],
  inputs: { readonly defaultScopes: readonly string[]; readonly connectors: readonly ConnectorDefaults[] },
  solvers: Solvers,
  best: BestSets,
): ScopeWarning[] {
  const warnings = check(routes, { kind: 'defaultScopes' }, inputs.defaultScopes, 'v2', solvers.nylas, best.nylas);
  for (const c of inputs.connectors) {
    if (c.defaultScopes.length === 0) continue;
    const subject = { kind: 'connector', provider: c.provider, owner: c.owner } as const;
    const solver = isScopeProvider(c.provider) ? solvers.providers[c.provider] : solvers.nylas;
    const least = isScopeProvider(c.provider) ? best.providers[c.provider] : best.nylas;
    warnings.push(...check(routes, subject, c.defaultScopes, 'v3', solver, least));
  }
  return warnings;
}

function check(
  routes: readonly RouteLike[],
  subject: WarningSubject,
  scopes: readonly string[],
  vocabulary: ScopeVocabulary,
  solver: ScopeSolver,
  least: LeastPrivilege,
): ScopeWarning[] {
  // Routes the solver's scopes cannot reach at all (closed rows, another provider's scopes) are no fault of the defaults.
  const missing = routes
    .filter((r) => solver.alternatives(r.requirements).length > 0 && !solver.satisfies(scopes, r.requirements, vocabulary))
    .map((r) => `${r.method} ${r.path}`);
  const implied = solver.implied(scopes, vocabulary);
  const beyond = implied.filter((s) => !least.implies.includes(s));
  const base = { subject, scopes, suggested: least.scopes };
  const warnings: ScopeWarning[] = [];
  if (beyond.length > 0 && (missing.length > 0 || implied.length > least.implies.length)) {
    warnings.push({ ...base, kind: 'wider', beyond, routes: [], message: widerMessage(subject, scopes, beyond, least.scopes) });
  }
  if (missing.length > 0) {
    warnings.push({ ...base, kind: 'narrower', beyond: [], routes: missing, message: narrowerMessage(subject, scopes, missing, least.scopes) });
  }
  return warnings;
}

function subjectWords(subject: WarningSubject, scopes: readonly string[]): string {
  const list = `(${scopes.join(', ')})`;
  if (subject.kind === 'defaultScopes') return `The scopes of the defaultScopes option ${list}`;
  const whose = subject.owner === null ? 'The' : `Client ${subject.owner}'s`;
  return `${whose} ${subject.provider} connector's default scopes ${list}`;
}

function widerMessage(subject: WarningSubject, scopes: readonly string[], beyond: readonly string[], suggested: readonly string[]): string {
  return `${subjectWords(subject, scopes)} allow more than the app's routes need (${beyond.join(', ')}); ${enough(suggested)}.`;
}

function narrowerMessage(subject: WarningSubject, scopes: readonly string[], routes: readonly string[], suggested: readonly string[]): string {
  const shown = routes.length > 3 ? `${routes.slice(0, 3).join(', ')} and ${routes.length - 3} more` : routes.join(', ');
  return `${subjectWords(subject, scopes)} leave ${routes.length === 1 ? 'a route' : `${routes.length} routes`} refused (${shown}); ${enough(suggested)}.`;
}

function enough(suggested: readonly string[]): string {
  if (suggested.length === 0) return 'no route needs a scope';
  return `${suggested.join(', ')} ${suggested.length === 1 ? 'covers' : 'cover'} every route`;
}
