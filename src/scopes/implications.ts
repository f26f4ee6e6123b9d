import { V2_SCOPES } from './catalog.js';

/**
 * The scope hierarchy, as data. Each entry says which scopes a scope directly satisfies;
 * the graph takes the transitive closure once at start-up. Nothing not listed implies anything.
 *
 * `email` ⇒ every email.* of the catalog, `email.modify` ⇒ read_only, metadata,
 * folders_and_labels, drafts; `email.read_only` ⇒ metadata; `calendar` ⇒ calendar.read_only;
 * `contacts` ⇒ contacts.read_only. `email.send` is reached only from `email`.
 */
export const V2_IMPLICATIONS: Readonly<Record<string, readonly string[]>> = {
  email: V2_SCOPES.filter((scope) => scope.startsWith('email.')),
  'email.modify': ['email.read_only', 'email.metadata', 'email.folders_and_labels', 'email.drafts'],
  'email.read_only': ['email.metadata'],
  calendar: ['calendar.read_only'],
  contacts: ['contacts.read_only'],
};
