import type { V2Scope } from './catalog.js';

/**
 * Microsoft Graph scopes. Graph grants report short names (`Mail.Read`), while connectors accept
 * both forms, so the graph knows both: the full URI satisfies its short name.
 */
export const GRAPH_PREFIX = 'https://graph.microsoft.com/';

const SHORT = [
  'Mail.ReadWrite',
  'Mail.Read',
  'Mail.ReadBasic',
  'Mail.Send',
  'Calendars.ReadWrite',
  'Calendars.Read',
  'Contacts.ReadWrite',
  'Contacts.Read',
  'Place.Read.All',
] as const;

/** The full URI of a short Graph scope, its literal type kept. */
const full = <S extends string>(s: S): `${typeof GRAPH_PREFIX}${S}` => `${GRAPH_PREFIX}${s}`;

/** A Microsoft Graph scope the scope graph knows, short (`Mail.Read`) or fully qualified. */
export type MicrosoftScope = (typeof SHORT)[number] | `${typeof GRAPH_PREFIX}${(typeof SHORT)[number]}`;

export const MICROSOFT_SCOPES: readonly MicrosoftScope[] = [...SHORT, ...SHORT.map(full)];

/** Graph's hierarchy plus the bridge into the Nylas vocabulary. */
const SHORT_IMPLICATIONS: Readonly<Record<string, readonly string[]>> = {
  'Mail.ReadWrite': ['email.modify', 'Mail.Read'],
  'Mail.Read': ['email.read_only', 'Mail.ReadBasic'],
  // Headers and folders without bodies: what email.metadata promises.
  'Mail.ReadBasic': ['email.metadata'],
  'Mail.Send': ['email.send'],
  'Calendars.ReadWrite': ['calendar', 'Calendars.Read'],
  'Calendars.Read': ['calendar.read_only'],
  'Contacts.ReadWrite': ['contacts', 'Contacts.Read'],
  'Contacts.Read': ['contacts.read_only'],
  'Place.Read.All': ['room_resources.read_only'],
};

export const MICROSOFT_IMPLICATIONS: Readonly<Record<string, readonly string[]>> = {
  ...SHORT_IMPLICATIONS,
  ...Object.fromEntries(SHORT.map((s) => [GRAPH_PREFIX + s, [s]])),
};

/** Always requested from Microsoft: a refresh token, the id token, and /me. */
export const MICROSOFT_IDENTITY_SCOPES: readonly string[] = ['offline_access', 'openid', 'profile', 'email', 'User.Read'];

/**
 * v2 Nylas scope → Graph scopes to request. Graph has no metadata-only scope that Nylas
 * used, so `email.metadata` asks for Mail.Read and the grant keeps only `email.metadata`: grantkit's
 * guards then refuse body-level routes, although the provider token could read bodies.
 */
export const V2_TO_MICROSOFT: Readonly<Record<V2Scope, readonly string[]>> = {
  email: ['Mail.ReadWrite', 'Mail.Send'],
  'email.modify': ['Mail.ReadWrite'],
  'email.read_only': ['Mail.Read'],
  'email.send': ['Mail.Send'],
  'email.folders_and_labels': ['Mail.ReadWrite'],
  'email.metadata': ['Mail.Read'],
  'email.drafts': ['Mail.ReadWrite'],
  calendar: ['Calendars.ReadWrite'],
  'calendar.read_only': ['Calendars.Read'],
  'calendar.free_busy': ['Calendars.Read'],
  'room_resources.read_only': ['Place.Read.All'],
  contacts: ['Contacts.ReadWrite'],
  'contacts.read_only': ['Contacts.Read'],
};

/** Microsoft reports scopes short or fully qualified; compare them short. */
export function shortGraphScope(scope: string): string {
  return scope.startsWith(GRAPH_PREFIX) ? scope.slice(GRAPH_PREFIX.length) : scope;
}

/**
 * Exchange (EAS/EWS) scopes, which v3 refuses (Nylas v3 "no longer supports or accepts Microsoft
 * Exchange scopes"), in any host form (`https://outlook.office365.com/EWS.AccessAsUser.All`).
 */
export function isExchangeScope(scope: string): boolean {
  return /(^|\/)(EAS|EWS)\.[A-Za-z.]+$/.test(scope) || /^ews\./.test(scope);
}
