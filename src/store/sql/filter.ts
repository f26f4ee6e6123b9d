import type { GrantFilter, TokenFilter } from '../records.js';

/**
 * The list filters of the SQL stores (SQLite and PostgreSQL) as WHERE and ORDER BY text. What a
 * filter means is decided here once, so the two stores cannot drift apart from each other or from
 * applyGrantFilter (memory, Redis); how a value becomes a parameter is the store's: `bind` records
 * it and returns its placeholder (`@name` for SQLite, `$n` for PostgreSQL). Values are bound in the
 * order the conditions appear in the text, which positional placeholders rely on.
 */
export type Bind = (name: string, value: unknown) => string;

export interface GrantListClauses {
  /** ` WHERE …`, or '' when nothing is filtered. */
  readonly where: string;
  readonly column: 'created_at' | 'updated_at';
  readonly dir: 'ASC' | 'DESC';
}

export function grantListClauses(filter: GrantFilter, bind: Bind): GrantListClauses {
  const where: string[] = [];
  const when = (value: unknown, name: string, clause: (placeholder: string) => string): void => {
    if (value !== undefined) where.push(clause(bind(name, value)));
  };
  when(filter.clientId, 'clientId', (p) => `client_id = ${p}`);
  // email_lower is folded by toLowerCase when written, so the filter folds the same way.
  when(filter.email?.toLowerCase(), 'email', (p) => `email_lower = ${p}`);
  when(filter.provider, 'provider', (p) => `provider = ${p}`);
  when(filter.status, 'status', (p) => `status = ${p}`);
  when(filter.since, 'since', (p) => `created_at >= ${p}`);
  when(filter.before, 'before', (p) => `created_at < ${p}`);
  return {
    where: where.length ? ` WHERE ${where.join(' AND ')}` : '',
    column: filter.sortBy === 'updatedAt' ? 'updated_at' : 'created_at',
    dir: filter.order === 'asc' ? 'ASC' : 'DESC',
  };
}

/** The conditions of a token list, joined with AND (never empty: the kind is always given). */
export function tokenListWhere(filter: TokenFilter, bind: Bind): string {
  const where = [`kind = ${bind('kind', filter.kind)}`];
  if (filter.clientId !== undefined) where.push(`client_id = ${bind('clientId', filter.clientId)}`);
  if (filter.grantId !== undefined) where.push(`grant_id = ${bind('grantId', filter.grantId)}`);
  return where.join(' AND ');
}

/** Named parameters (`@name`), gathered into `params` for better-sqlite3. */
export function namedBind(params: Record<string, unknown>): Bind {
  return (name, value) => {
    params[name] = value;
    return `@${name}`;
  };
}

/** Positional parameters (`$n`), appended to `values` in the order they are bound, for pg. */
export function positionalBind(values: unknown[]): Bind {
  return (_name, value) => `$${values.push(value)}`;
}
