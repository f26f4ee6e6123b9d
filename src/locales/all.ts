/**
 * The locales of the hosted pages, one line each: the name a locale is exported under is its
 * language tag, and what `locale` and `Accept-Language` are matched against. Adding a locale is
 * adding its file (a `Catalogue`, see catalogue.ts) and its line here.
 */
export { de } from './de.js';
export { en } from './en.js';
export { fr } from './fr.js';
