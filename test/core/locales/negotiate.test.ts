import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogueOf, DEFAULT_LOCALE, LOCALES } from '../../../src/locales/index.js';
import { chooseLocale } from '../../../src/locales/negotiate.js';

/** Which locale the hosted pages speak, from the `locale` parameter and the Accept-Language header. */
const CASES: ReadonlyArray<readonly [param: string | undefined, header: string | string[] | undefined, expected: string, why: string]> = [
  [undefined, undefined, 'en', 'nothing asked: English'],
  [undefined, '', 'en', 'an empty header: English'],
  [undefined, 'fr', 'fr', 'a language grantkit has'],
  [undefined, 'de-DE', 'de', 'a region of a language grantkit has'],
  [undefined, 'fr-CA,fr;q=0.9,en;q=0.8', 'fr', "a browser's usual list"],
  [undefined, 'en-US,en;q=0.9,fr;q=0.8', 'en', 'English first'],
  [undefined, 'de;q=0.5, fr;q=0.8', 'fr', 'q-values decide, not the order'],
  [undefined, 'fr;q=0.2, de', 'de', 'no q-value is q=1'],
  [undefined, 'fr;q=0, de;q=0.1', 'de', 'q=0 is "not this one"'],
  [undefined, 'fr;q=0', 'en', 'only a refusal: the default'],
  [undefined, 'es, it;q=0.9', 'en', 'languages grantkit does not have: the default'],
  [undefined, 'es, de;q=0.1', 'de', 'the first one grantkit has, however low'],
  [undefined, '*', 'en', 'anything: the default'],
  [undefined, 'es, *;q=0.5', 'en', 'a wildcard after an unknown language: the default'],
  [undefined, 'FR-fr', 'fr', 'tags compare without case'],
  [undefined, ['es', 'de;q=0.8'], 'de', 'a header sent twice is one list'],
  [undefined, 'nonsense;;;q=x,,', 'en', 'a header that does not parse: the default'],
  ['de', 'fr', 'de', 'the parameter wins over the header'],
  ['de-AT', 'fr', 'de', "the parameter's language counts"],
  ['fr_CA', undefined, 'fr', 'an underscore separates like a hyphen'],
  ['DE', undefined, 'de', 'the parameter compares without case'],
  ['es', 'fr', 'fr', 'an unknown parameter leaves it to the header'],
  ['', 'de', 'de', 'an empty parameter leaves it to the header'],
  ['es', undefined, 'en', 'an unknown parameter and no header: the default'],
];

describe('locales: which language a hosted sign-in speaks', () => {
  for (const [param, header, expected, why] of CASES) {
    it(`${why}: locale=${JSON.stringify(param)}, Accept-Language ${JSON.stringify(header)} → ${expected}`, () => {
      assert.equal(chooseLocale(param, header), expected);
    });
  }

  it('English is the default, listed first, and a tag with no catalogue gets its catalogue', () => {
    assert.equal(DEFAULT_LOCALE, 'en');
    assert.equal(LOCALES[0], 'en');
    assert.deepEqual([...LOCALES].sort(), ['de', 'en', 'fr']);
    assert.equal(catalogueOf('xx').lang, 'en');
    assert.equal(catalogueOf(undefined).lang, 'en');
    assert.equal(catalogueOf('__proto__').lang, 'en');
  });
});
