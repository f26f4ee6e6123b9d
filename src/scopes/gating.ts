import type { V2Scope } from './catalog.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One row of the v2 endpoint table: requests with this method and path are
 * admitted by a grant that satisfies at least one of `scopes`. `'any'` admits every valid token.
 * An empty list admits nobody: the route exists but no scope allows it (writes on /resources).
 */
export interface EndpointRule {
  readonly method: HttpMethod;
  /** `:id` matches one segment. */
  readonly path: string;
  readonly scopes: readonly V2Scope[] | 'any';
}

const READ_HEADERS: readonly V2Scope[] = ['email.metadata', 'email.read_only', 'email.modify', 'email'];
const READ_BODIES: readonly V2Scope[] = ['email.read_only', 'email.modify', 'email'];
const MODIFY: readonly V2Scope[] = ['email.modify', 'email'];
const READ_DRAFTS: readonly V2Scope[] = ['email.drafts', 'email.read_only', 'email.modify', 'email'];
const WRITE_DRAFTS: readonly V2Scope[] = ['email.drafts', 'email'];
const SEND: readonly V2Scope[] = ['email.send', 'email'];
const READ_FOLDERS: readonly V2Scope[] = ['email.folders_and_labels', 'email.metadata', 'email.read_only', 'email.modify', 'email'];
const WRITE_FOLDERS: readonly V2Scope[] = ['email.folders_and_labels', 'email.modify', 'email'];
const READ_CALENDAR: readonly V2Scope[] = ['calendar.read_only', 'calendar'];
const WRITE_CALENDAR: readonly V2Scope[] = ['calendar'];
const FREE_BUSY: readonly V2Scope[] = ['calendar.read_only', 'calendar', 'calendar.free_busy'];
const READ_CONTACTS: readonly V2Scope[] = ['contacts.read_only', 'contacts'];
const WRITE_CONTACTS: readonly V2Scope[] = ['contacts'];

function crud(
  base: string,
  read: readonly V2Scope[],
  write: readonly V2Scope[],
): EndpointRule[] {
  return [
    { method: 'GET', path: base, scopes: read },
    { method: 'GET', path: `${base}/:id`, scopes: read },
    { method: 'POST', path: base, scopes: write },
    { method: 'PUT', path: `${base}/:id`, scopes: write },
    { method: 'DELETE', path: `${base}/:id`, scopes: write },
  ];
}

/** The v2 resource paths and methods → the scopes that admit them. Exported for apps to reuse. */
export const V2_ENDPOINT_SCOPES: readonly EndpointRule[] = Object.freeze([
  { method: 'GET', path: '/account', scopes: 'any' },
  // Search and raw bodies need more than metadata; listed before the :id rows they would shadow.
  { method: 'GET', path: '/messages/search', scopes: READ_BODIES },
  { method: 'GET', path: '/threads/search', scopes: READ_BODIES },
  ...crud('/messages', READ_HEADERS, MODIFY),
  ...crud('/threads', READ_HEADERS, MODIFY),
  { method: 'GET', path: '/files/:id/download', scopes: READ_BODIES },
  ...crud('/files', READ_BODIES, MODIFY),
  ...crud('/drafts', READ_DRAFTS, WRITE_DRAFTS),
  { method: 'POST', path: '/send', scopes: SEND },
  { method: 'POST', path: '/outbox', scopes: SEND },
  ...crud('/folders', READ_FOLDERS, WRITE_FOLDERS),
  ...crud('/labels', READ_FOLDERS, WRITE_FOLDERS),
  { method: 'POST', path: '/calendars/free-busy', scopes: FREE_BUSY },
  { method: 'POST', path: '/calendars/availability', scopes: FREE_BUSY },
  ...crud('/calendars', READ_CALENDAR, WRITE_CALENDAR),
  ...crud('/events', READ_CALENDAR, WRITE_CALENDAR),
  { method: 'POST', path: '/send-rsvp', scopes: WRITE_CALENDAR },
  // Room resources are read-only in the API: no scope admits a write.
  ...crud('/resources', ['room_resources.read_only'], []),
  { method: 'GET', path: '/contacts/groups', scopes: READ_CONTACTS },
  { method: 'GET', path: '/contacts/:id/picture', scopes: READ_CONTACTS },
  ...crud('/contacts', READ_CONTACTS, WRITE_CONTACTS),
] satisfies EndpointRule[]);

/** What the table says about a request: the rule for its method, or the methods its path has instead. */
export type EndpointMatch<T> =
  | { readonly kind: 'rule'; readonly value: T }
  | { readonly kind: 'other-method'; readonly allow: readonly string[] };

/**
 * Compiles a table into a matcher over normalised requests (http/path-shape.ts: folded segments,
 * HEAD as GET). A path the table lists under other methods only is reported with those methods,
 * so the gate can refuse it instead of letting an unlisted method through. Rule paths are folded
 * the same way as request paths, so a table written in any case matches alike. Rules are bucketed
 * by first segment, so a miss costs one Map read.
 */
export function compileEndpointTable<T>(
  rules: readonly EndpointRule[],
  compile: (rule: EndpointRule) => T,
): (method: string, segments: readonly string[]) => EndpointMatch<T> | undefined {
  const buckets = new Map<string, Array<{ method: string; parts: readonly string[]; value: T }>>();
  for (const rule of rules) {
    const parts = rule.path.split('/').filter((s) => s !== '').map((s) => (s.startsWith(':') ? s : s.toLowerCase()));
    const key = parts[0] ?? '';
    let list = buckets.get(key);
    if (!list) buckets.set(key, (list = []));
    list.push({ method: rule.method.toUpperCase(), parts, value: compile(rule) });
  }
  return (method, segments) => {
    const list = buckets.get(segments[0] ?? '');
    if (!list) return undefined;
    let allow: string[] | undefined;
    for (const { method: m, parts, value } of list) {
      if (parts.length !== segments.length) continue;
      if (!parts.every((seg, i) => (seg.startsWith(':') ? segments[i] !== '' : seg === segments[i]))) continue;
      if (m === method) return { kind: 'rule', value };
      if (!(allow ??= []).includes(m)) allow.push(m);
    }
    if (allow === undefined) return undefined;
    // HEAD is answered by the GET handlers, so a path with GET allows it too.
    if (allow.includes('GET')) allow.splice(allow.indexOf('GET') + 1, 0, 'HEAD');
    return { kind: 'other-method', allow };
  };
}
