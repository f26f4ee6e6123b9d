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

/** Grants whose recorded connector is remembered; the memo is cleared when it reaches this size. */
const MAX_REMEMBERED = 10_000;

/**
 * vocabularyOfGrant for the request path: the answer for a grant that recorded no vocabulary may
 * take opening its sealed settings, so that part is remembered by grant id and settings (a new
 * sign-in changes the settings), in a bounded map. Grants that recorded one never reach the map.
 */
export function vocabularyOfGrantRemembered(keyring: Keyring): (record: GrantRecord) => ScopeVocabulary {
  const connectors = new Map<string, string | null | undefined>();
  return (record) =>
    scopeVocabularyOf(record, () => {
      const key = `${record.id}\n${record.settings ?? ''}`;
      if (connectors.has(key)) return connectors.get(key);
      const connector = recordedConnector(keyring, record);
      if (connectors.size >= MAX_REMEMBERED) connectors.clear();
      connectors.set(key, connector);
      return connector;
    });
}
