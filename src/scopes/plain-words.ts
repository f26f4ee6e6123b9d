import { isV2Scope, type V2Scope } from './catalog.js';
import { GOOGLE_PREFIX } from './provider-google.js';
import { shortGraphScope } from './provider-microsoft.js';

/**
 * What a scope lets an app do, as the consent screen lists it. Nylas's v2 scopes are described
 * one by one; the common provider scopes (Google's URLs, Microsoft Graph's names, with or without
 * the Graph prefix) by what they mean, several scopes sharing a meaning. The words themselves are
 * in each locale's catalogue (src/locales/), so this table names meanings only. A scope in
 * neither table is shown as it is.
 */
export type ScopeMeaning =
  | 'mailAll'
  | 'mailChange'
  | 'mailRead'
  | 'mailSendOnly'
  | 'mailCompose'
  | 'mailLabels'
  | 'mailMetadata'
  | 'mailHeaders'
  | 'mailReadWrite'
  | 'mailSend'
  | 'calendarsAll'
  | 'calendarsRead'
  | 'eventsChange'
  | 'eventsRead'
  | 'contactsAll'
  | 'contactsRead'
  | 'rooms'
  | 'emailAddress'
  | 'profile'
  | 'identity'
  | 'offline'
  | 'account';

const PROVIDER_SCOPE_MEANINGS: Readonly<Record<string, ScopeMeaning>> = {
  'https://mail.google.com/': 'mailAll',
  [`${GOOGLE_PREFIX}gmail.modify`]: 'mailChange',
  [`${GOOGLE_PREFIX}gmail.readonly`]: 'mailRead',
  [`${GOOGLE_PREFIX}gmail.send`]: 'mailSendOnly',
  [`${GOOGLE_PREFIX}gmail.compose`]: 'mailCompose',
  [`${GOOGLE_PREFIX}gmail.labels`]: 'mailLabels',
  [`${GOOGLE_PREFIX}gmail.metadata`]: 'mailMetadata',
  [`${GOOGLE_PREFIX}calendar`]: 'calendarsAll',
  [`${GOOGLE_PREFIX}calendar.readonly`]: 'calendarsRead',
  [`${GOOGLE_PREFIX}calendar.events`]: 'eventsChange',
  [`${GOOGLE_PREFIX}calendar.events.readonly`]: 'eventsRead',
  [`${GOOGLE_PREFIX}contacts`]: 'contactsAll',
  [`${GOOGLE_PREFIX}contacts.readonly`]: 'contactsRead',
  [`${GOOGLE_PREFIX}admin.directory.resource.calendar.readonly`]: 'rooms',
  [`${GOOGLE_PREFIX}userinfo.email`]: 'emailAddress',
  [`${GOOGLE_PREFIX}userinfo.profile`]: 'profile',
  openid: 'identity',
  email: 'emailAddress',
  profile: 'profile',
  offline_access: 'offline',
  'Mail.Read': 'mailRead',
  'Mail.ReadBasic': 'mailHeaders',
  'Mail.ReadWrite': 'mailReadWrite',
  'Mail.Send': 'mailSend',
  'Calendars.Read': 'calendarsRead',
  'Calendars.ReadWrite': 'calendarsAll',
  'Contacts.Read': 'contactsRead',
  'Contacts.ReadWrite': 'contactsAll',
  'User.Read': 'account',
  'Place.Read.All': 'rooms',
};

/** The vocabulary a scope list is in: Nylas's v2 names, or the provider's own (v3). */
export type ScopeWordsVocabulary = 'v2' | 'provider';

/** What one scope is described by: a v2 scope's own description, a provider scope's meaning, or the scope as it is. */
export type ScopeWords = { readonly v2: V2Scope } | { readonly meaning: ScopeMeaning } | { readonly scope: string };

/** One scope's description; an unknown scope comes back as it is. */
export function describeScope(scope: string, vocabulary: ScopeWordsVocabulary): ScopeWords {
  if (vocabulary === 'v2' && isV2Scope(scope)) return { v2: scope };
  const meaning = PROVIDER_SCOPE_MEANINGS[scope] ?? PROVIDER_SCOPE_MEANINGS[shortGraphScope(scope)];
  return meaning === undefined ? { scope } : { meaning };
}

/** A scope list's descriptions, each once, in the order first asked. */
export function describeScopes(scopes: readonly string[], vocabulary: ScopeWordsVocabulary): ScopeWords[] {
  const seen = new Set<string>();
  const words: ScopeWords[] = [];
  for (const s of scopes) {
    const w = describeScope(s, vocabulary);
    const key = 'v2' in w ? `v2:${w.v2}` : 'meaning' in w ? `meaning:${w.meaning}` : `scope:${w.scope}`;
    if (!seen.has(key)) words.push(w);
    seen.add(key);
  }
  return words;
}
