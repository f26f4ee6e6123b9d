/**
 * The closed Nylas v2 scope vocabulary (Nylas's documented scopes plus `email` and `calendar.free_busy`),
 * with the plain-words descriptions the README and consent pages show.
 */
export const V2_SCOPES = [
  'email',
  'email.modify',
  'email.read_only',
  'email.send',
  'email.folders_and_labels',
  'email.metadata',
  'email.drafts',
  'calendar',
  'calendar.read_only',
  'calendar.free_busy',
  'room_resources.read_only',
  'contacts',
  'contacts.read_only',
] as const;

export type V2Scope = (typeof V2_SCOPES)[number];

const V2_SCOPE_SET: ReadonlySet<string> = new Set(V2_SCOPES);

/** Whether a name is one of Nylas's v2 scopes. */
export function isV2Scope(name: string): name is V2Scope {
  return V2_SCOPE_SET.has(name);
}

export const V2_SCOPE_DESCRIPTIONS: Readonly<Record<V2Scope, string>> = {
  email: 'Send, read and modify all messages, threads, drafts, folders, labels and attachments.',
  'email.modify': 'Read and modify messages, threads, attachments and metadata. Does not include send.',
  'email.read_only': 'Read messages, threads, attachments, drafts and metadata. No writes.',
  'email.send': 'Send messages only. No read or modify access.',
  'email.folders_and_labels': 'Read and modify folders or labels.',
  'email.metadata': 'Read headers and labels or folders, but not bodies or attachments.',
  'email.drafts': 'Read and modify drafts. Does not include send.',
  calendar: 'Read and modify calendars and events.',
  'calendar.read_only': 'Read calendars and events.',
  'calendar.free_busy': 'Read free/busy information (Exchange).',
  'room_resources.read_only': 'Read room resources (admin consent on Office 365).',
  contacts: 'Read and modify contacts.',
  'contacts.read_only': 'Read contacts.',
};

/** What the official SDKs assume when no scopes are sent. */
export const DEFAULT_V2_SCOPES: readonly V2Scope[] = ['email', 'calendar', 'contacts'];
