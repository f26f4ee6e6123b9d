import type { GrantFilter, GrantRecord } from './records.js';

/**
 * The grant filter applied to an in-process list: the memory store uses it directly, and stores
 * that cannot express every filter server-side can finish with it. Sort is stable on id.
 */
export function applyGrantFilter(grants: GrantRecord[], f: GrantFilter): GrantRecord[] {
  const email = f.email?.toLowerCase();
  const matched = grants.filter(
    (g) =>
      (f.clientId === undefined || g.clientId === f.clientId) &&
      (email === undefined || g.email.toLowerCase() === email) &&
      (f.provider === undefined || g.provider === f.provider) &&
      (f.status === undefined || g.status === f.status) &&
      (f.since === undefined || g.createdAt >= f.since) &&
      (f.before === undefined || g.createdAt < f.before),
  );
  const key = f.sortBy ?? 'createdAt';
  const dir = f.order === 'asc' ? 1 : -1;
  matched.sort((a, b) => (a[key] - b[key]) * dir || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const offset = f.offset ?? 0;
  return matched.slice(offset, f.limit === undefined ? undefined : offset + f.limit);
}
