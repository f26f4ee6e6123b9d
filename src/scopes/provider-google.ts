import type { V2Scope } from './catalog.js';

/**
 * Google's scopes as grantkit knows them. Google grants report fully-qualified scopes, so
 * the graph holds the full URIs; `openid`, `email` and `profile` stay unknown to it (they satisfy
 * nothing but themselves).
 */
export const GOOGLE_PREFIX = 'https://www.googleapis.com/auth/';
/** A Google scope's full URI, its literal type kept so that guards can check scope names as they are compiled. */
const g = <S extends string>(s: S): `${typeof GOOGLE_PREFIX}${S}` => `${GOOGLE_PREFIX}${s}`;

const GOOGLE_MAIL_FULL = 'https://mail.google.com/';

export const GOOGLE_SCOPES = [
  GOOGLE_MAIL_FULL,
  g('gmail.modify'),
  g('gmail.readonly'),
  g('gmail.send'),
  g('gmail.compose'),
  g('gmail.labels'),
  g('gmail.metadata'),
  g('calendar'),
  g('calendar.readonly'),
  g('calendar.events'),
  g('calendar.events.readonly'),
  g('contacts'),
  g('contacts.readonly'),
  g('admin.directory.resource.calendar.readonly'),
] as const;

/** A Google scope the scope graph knows, as Google grants report it (the full URI). */
export type GoogleScope = (typeof GOOGLE_SCOPES)[number];

/**
 * What each Google scope satisfies: Google's own hierarchy, and the bridge into the Nylas
 * vocabulary (v3 x-scopes) so that `requireScopes('email.read_only')` admits a v3 grant
 * holding `gmail.readonly`. Bridges are conservative: a Google scope satisfies a Nylas scope only
 * when it allows everything the Nylas description promises.
 */
export const GOOGLE_IMPLICATIONS: Readonly<Record<string, readonly string[]>> = {
  [GOOGLE_MAIL_FULL]: ['email', g('gmail.modify'), g('gmail.send'), g('gmail.compose'), g('gmail.labels')],
  [g('gmail.modify')]: ['email.modify', g('gmail.readonly'), g('gmail.labels'), g('gmail.compose')],
  [g('gmail.readonly')]: ['email.read_only', g('gmail.metadata')],
  // gmail.compose is "manage drafts and send".
  [g('gmail.compose')]: ['email.drafts', 'email.send', g('gmail.send')],
  [g('gmail.send')]: ['email.send'],
  [g('gmail.labels')]: ['email.folders_and_labels'],
  [g('gmail.metadata')]: ['email.metadata'],
  [g('calendar')]: ['calendar', g('calendar.readonly'), g('calendar.events')],
  [g('calendar.readonly')]: ['calendar.read_only', g('calendar.events.readonly')],
  [g('calendar.events')]: [g('calendar.events.readonly')],
  [g('contacts')]: ['contacts', g('contacts.readonly')],
  [g('contacts.readonly')]: ['contacts.read_only'],
  [g('admin.directory.resource.calendar.readonly')]: ['room_resources.read_only'],
};

/** Always requested from Google: who the user is (required in Google refresh tokens). */
export const GOOGLE_IDENTITY_SCOPES: readonly string[] = ['openid', g('userinfo.email'), g('userinfo.profile')];

/**
 * v2 Nylas scope → Google scopes to request. `email` → `https://mail.google.com/` is
 * reconstructed (the reference marks it unconfirmed); `calendar.free_busy` is an Exchange scope
 * and reads as calendar.readonly here.
 */
export const V2_TO_GOOGLE: Readonly<Record<V2Scope, readonly string[]>> = {
  email: [GOOGLE_MAIL_FULL],
  'email.modify': [g('gmail.modify')],
  'email.read_only': [g('gmail.readonly')],
  'email.send': [g('gmail.send')],
  'email.folders_and_labels': [g('gmail.labels')],
  'email.metadata': [g('gmail.metadata')],
  'email.drafts': [g('gmail.compose')],
  calendar: [g('calendar')],
  'calendar.read_only': [g('calendar.readonly')],
  'calendar.free_busy': [g('calendar.readonly')],
  'room_resources.read_only': [g('admin.directory.resource.calendar.readonly')],
  contacts: [g('contacts')],
  'contacts.read_only': [g('contacts.readonly')],
};
