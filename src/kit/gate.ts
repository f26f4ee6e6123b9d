import { GrantKitError } from '../errors/error.js';
import { ScopeGuard } from '../guard.js';
import { foldedSegments, gateMethod, v3GrantsAt } from '../http/path-shape.js';
import { compileEndpointTable, type EndpointRule } from '../scopes/gating.js';
import type { ScopeGraph } from '../scopes/graph.js';

/**
 * A compiled endpoint table: the guard of a method and path, `null` when any valid token may
 * pass, undefined when the table does not list the path, or a 405 when it lists it under other
 * methods only.
 */
export type GateLookup = (method: string, path: string, originalUrl?: string) => ScopeGuard | null | GrantKitError | undefined;

/**
 * Compiles an endpoint table into a gate. OPTIONS carries no credentials and is never gated. The
 * path is read as loosely as any framework routes it (http/path-shape.ts): in any case, with or
 * without trailing slashes, each segment percent-decoded, HEAD as GET. v3 data paths are the v2
 * resource paths under `/v3/grants/{grant}`, so one table guards both; `originalUrl` finds them
 * when the gate is mounted below the `/v3/grants/{grant}` part (`app.use('/v3', router)`).
 */
export function compileGate(graph: ScopeGraph, realm: string, rules: readonly EndpointRule[]): GateLookup {
  const lookup = compileEndpointTable(rules, (rule) => (rule.scopes === 'any' ? null : new ScopeGuard(graph, realm, 'any', rule.scopes, true)));
  return (method, path, originalUrl = path) => {
    const m = gateMethod(method);
    if (m === 'OPTIONS') return undefined;
    const match = lookup(m, tableSegments(path, originalUrl));
    if (match === undefined) return undefined;
    if (match.kind === 'rule') return match.value;
    const allow = match.allow.join(', ');
    return new GrantKitError('method_not_allowed', `Method not allowed; use ${allow}.`, { headers: { allow } });
  };
}

/** The segments the endpoint table is matched against: the part after `/v3/grants/{grant}` when there is one. */
function tableSegments(path: string, originalUrl: string): readonly string[] {
  const segments = foldedSegments(path);
  const at = v3GrantsAt(segments);
  if (at >= 0) return segments.slice(at + 3);
  if (originalUrl !== path) {
    const full = foldedSegments(originalUrl);
    const fullAt = v3GrantsAt(full);
    if (fullAt >= 0) return full.slice(fullAt + 3);
  }
  return segments;
}
