import { GOOGLE_IMPLICATIONS, GOOGLE_SCOPES } from './provider-google.js';
import { MICROSOFT_IMPLICATIONS, MICROSOFT_SCOPES } from './provider-microsoft.js';

/**
 * Every provider scope the scope graph knows, and what each satisfies. The graph merges these
 * with the v2 vocabulary, so v2 and v3 grants are one kind of grant to the guards.
 */
export const PROVIDER_SCOPES: readonly string[] = [...GOOGLE_SCOPES, ...MICROSOFT_SCOPES];

export const PROVIDER_IMPLICATIONS: Readonly<Record<string, readonly string[]>> = {
  ...GOOGLE_IMPLICATIONS,
  ...MICROSOFT_IMPLICATIONS,
};
