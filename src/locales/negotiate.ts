import Negotiator from 'negotiator';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './index.js';

/**
 * The locale of a hosted sign-in: the `locale` parameter when it names one grantkit has (its
 * language alone counts too: `fr-CA` is `fr`), else the browser's `Accept-Language` (q-values
 * honoured, as negotiator reads them: `de;q=0.5, fr;q=0.8` is French, `fr;q=0` never French),
 * else English. An unknown `locale` is not an error: the header decides, as if it were absent.
 */
export function chooseLocale(param: string | undefined, acceptLanguage: string | readonly string[] | undefined): Locale {
  const named = param === undefined ? undefined : localeNamed(param);
  if (named !== undefined) return named;
  const header = typeof acceptLanguage === 'string' ? acceptLanguage : acceptLanguage?.join(',');
  if (header === undefined || header.trim() === '') return DEFAULT_LOCALE;
  const [best] = new Negotiator({ headers: { 'accept-language': header } }).languages(LOCALES);
  return isLocale(best) ? best : DEFAULT_LOCALE;
}

/** The locale a tag names: itself, or its primary language subtag, compared without case. */
function localeNamed(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase();
  if (isLocale(lower)) return lower;
  const language = lower.split(/[-_]/)[0];
  return isLocale(language) ? language : undefined;
}
