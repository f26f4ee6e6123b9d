import { isV2Scope, V2_SCOPE_DESCRIPTIONS } from './catalog.js';
import { GOOGLE_PREFIX } from './provider-google.js';
import { shortGraphScope } from './provider-microsoft.js';

/**
 * What a scope lets an app do, in words a person signing in understands: the consent screen's
 * list. Nylas's v2 scopes have their descriptions in the catalogue; the common provider scopes
 * (Google's URLs, Microsoft Graph's names, with or without the Graph prefix) are described here.
 * A scope not in either table is shown as it is.
 */
const PROVIDER_SCOPE_WORDS: Readonly<Record<string, string>> = {
  'https://mail.google.com/': 'Read, send, delete and manage all your email.',
  [`${GOOGLE_PREFIX}gmail.modify`]: 'Read and change your email, but not delete it for good.',
  [`${GOOGLE_PREFIX}gmail.readonly`]: 'Read your email, but not send it.',
  [`${GOOGLE_PREFIX}gmail.send`]: 'Send email as you, but not read it.',
  [`${GOOGLE_PREFIX}gmail.compose`]: 'Write drafts and send email as you.',
  [`${GOOGLE_PREFIX}gmail.labels`]: 'See and change your email labels.',
  [`${GOOGLE_PREFIX}gmail.metadata`]: 'See your email headers and labels, but not the messages themselves.',
  [`${GOOGLE_PREFIX}calendar`]: 'See, change and delete your calendars and events.',
  [`${GOOGLE_PREFIX}calendar.readonly`]: 'See your calendars and events.',
  [`${GOOGLE_PREFIX}calendar.events`]: 'See and change the events in your calendars.',
  [`${GOOGLE_PREFIX}calendar.events.readonly`]: 'See the events in your calendars.',
  [`${GOOGLE_PREFIX}contacts`]: 'See, change and delete your contacts.',
  [`${GOOGLE_PREFIX}contacts.readonly`]: 'See your contacts.',
  [`${GOOGLE_PREFIX}admin.directory.resource.calendar.readonly`]: "See your organisation's meeting rooms.",
  [`${GOOGLE_PREFIX}userinfo.email`]: 'See your email address.',
  [`${GOOGLE_PREFIX}userinfo.profile`]: 'See your name and profile picture.',
  openid: 'Know who you are when you sign in.',
  email: 'See your email address.',
  profile: 'See your name and profile picture.',
  offline_access: 'Keep the access you give while you are away.',
  'Mail.Read': 'Read your email, but not send it.',
  'Mail.ReadBasic': 'See your email headers, but not the messages themselves.',
  'Mail.ReadWrite': 'Read and change your email, but not send it.',
  'Mail.Send': 'Send email as you.',
  'Calendars.Read': 'See your calendars and events.',
  'Calendars.ReadWrite': 'See, change and delete your calendars and events.',
  'Contacts.Read': 'See your contacts.',
  'Contacts.ReadWrite': 'See, change and delete your contacts.',
  'User.Read': 'See your name, email address and profile.',
  'Place.Read.All': "See your organisation's meeting rooms.",
};

/** The vocabulary a scope list is in: Nylas's v2 names, or the provider's own (v3). */
export type ScopeWordsVocabulary = 'v2' | 'provider';

/** One scope in plain words; an unknown scope comes back as it is. */
export function describeScope(scope: string, vocabulary: ScopeWordsVocabulary): string {
  if (vocabulary === 'v2' && isV2Scope(scope)) return V2_SCOPE_DESCRIPTIONS[scope];
  return PROVIDER_SCOPE_WORDS[scope] ?? PROVIDER_SCOPE_WORDS[shortGraphScope(scope)] ?? scope;
}

/** A scope list in plain words, each description once, in the order first asked. */
export function describeScopes(scopes: readonly string[], vocabulary: ScopeWordsVocabulary): string[] {
  return [...new Set(scopes.map((s) => describeScope(s, vocabulary)))];
}
