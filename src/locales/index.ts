import * as ALL from './all.js';
import type { Catalogue } from './catalogue.js';

export type { Catalogue, ConsentWords, CredentialWords, PageMessage, Wait } from './catalogue.js';

/** A locale the hosted pages speak: a key of all.ts. */
export type Locale = keyof typeof ALL;

/** What a page falls back to when nothing better matches. */
export const DEFAULT_LOCALE: Locale = 'en';

const CATALOGUES: Readonly<Record<Locale, Catalogue>> = ALL;

/** The locales' tags, the default first: an `Accept-Language` of `*` picks it. */
export const LOCALES: readonly Locale[] = [DEFAULT_LOCALE, ...Object.keys(CATALOGUES).filter(isLocale).filter((l) => l !== DEFAULT_LOCALE)];

export function isLocale(tag: string | undefined): tag is Locale {
  return tag !== undefined && Object.hasOwn(CATALOGUES, tag);
}

/** The catalogue of a locale; the default's for a tag that is not one (a flow saved before its locale was). */
export function catalogueOf(tag: string | undefined): Catalogue {
  return CATALOGUES[isLocale(tag) ? tag : DEFAULT_LOCALE];
}
