import type { RouteScopes, ScopeReport } from '../advisor/report.js';
import { columns } from './command.js';
import { table } from './table.js';

/**
 * A scope report for a terminal: the routes with what satisfies each, the least-privileged scopes
 * (Nylas, Google, Microsoft), the connectors, and the warnings. Every section is there, saying
 * "none" when it is empty, so a reader can tell nothing was found from nothing was printed.
 */
export function scopeReportLines(report: ScopeReport): string[] {
  const lines: string[] = [];
  const guarded = report.routes.length;
  lines.push(`Guarded routes (${guarded})`);
  if (guarded === 0) lines.push('  none: no grantkit guard covers a route of this app');
  else lines.push(...indent(table(['METHOD', 'PATH', 'SATISFIED BY'], report.routes.map((r) => [r.method, r.path, satisfiedBy(r)]))));
  lines.push('', 'Least-privileged scopes for every route');
  lines.push(
    ...columns([
      ['Nylas', list(report.nylas.scopes)],
      ['Google', list(report.providers.google.scopes)],
      ['Microsoft', list(report.providers.microsoft.scopes)],
    ]),
  );
  lines.push('', 'Connectors');
  if (report.connectors.length === 0) lines.push('  none');
  else {
    const rows = report.connectors.map((c) => [c.provider, c.owner ?? 'app', list(c.defaultScopes), list(c.suggested)]);
    lines.push(...indent(table(['PROVIDER', 'OWNER', 'DEFAULT SCOPES', 'SUGGESTED'], rows)));
  }
  lines.push('', 'Warnings');
  if (report.warnings.length === 0) lines.push('  none');
  else lines.push(...report.warnings.map((w) => `  - ${w.message}`));
  return lines;
}

/** The sets that satisfy a route, narrowest first: `email.read_only+email.send | email`. */
function satisfiedBy(route: RouteScopes): string {
  switch (route.access) {
    case 'token':
      return 'any valid token';
    case 'closed':
      return 'nothing: no scope admits it';
    case 'provider':
      return `a provider scope only (${route.requirements.flatMap((r) => r.scopes).join(', ')})`;
    case 'scopes':
      return route.satisfiedBy.map((set) => set.join('+')).join(' | ');
  }
}

function list(scopes: readonly string[]): string {
  return scopes.length === 0 ? '-' : scopes.join(', ');
}

function indent(lines: readonly string[]): string[] {
  return lines.map((l) => `  ${l}`);
}
