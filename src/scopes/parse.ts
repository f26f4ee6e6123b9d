import { GrantKitError } from '../errors/error.js';
import type { ScopeGraph } from './graph.js';

/**
 * Scopes as they arrive on the wire: a comma-separated string, an array, or an array of comma
 * strings (Nylas's Ruby example sends `['email.read_only,email.send']`). Whitespace around a
 * name is ignored; duplicates collapse, first appearance wins the order.
 *
 * Missing (`undefined`/`null`) means the configured default; present but empty is a 400;
 * a name outside the closed vocabulary is a 400 that names it.
 */
export function parseScopes(
  value: unknown,
  graph: ScopeGraph,
  defaults: readonly string[],
  field = 'scopes',
): string[] {
  if (value === undefined || value === null) return [...defaults];
  let parts: string[];
  if (typeof value === 'string') parts = value.split(',');
  else if (isStringArray(value)) parts = value.flatMap((v) => v.split(','));
  else {
    throw new GrantKitError('invalid_request', `"${field}" must be a comma-separated string or an array of strings.`);
  }
  const names = parts.map((p) => p.trim()).filter((p) => p !== '');
  if (names.length === 0) throw new GrantKitError('invalid_request', `"${field}" is empty; name at least one scope.`);
  const unknown = names.filter((n) => !graph.has(n));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((n) => `"${n.slice(0, 64)}"`).join(', ');
    throw new GrantKitError('invalid_request', `Unknown scope ${shown} in "${field}".`);
  }
  return [...new Set(names)];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
