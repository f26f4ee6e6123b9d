import type { Keyring } from '../crypto/keyring.js';
import { type ScopeVocabulary, scopeVocabularyOf } from '../scopes/vocabulary.js';
import type { GrantRecord } from '../store/records.js';
import { recordedConnector } from './sealed-settings.js';

/**
 * The vocabulary a grant's scopes are read in: the one it recorded, or for a grant stored before
 * grants recorded it, the one of the flow that made it (a connector-made grant speaks v3).
 */
export function vocabularyOfGrant(keyring: Keyring, record: GrantRecord): ScopeVocabulary {
  return scopeVocabularyOf(record, () => recordedConnector(keyring, record));
}
