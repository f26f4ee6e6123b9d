import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ALL from '../../../src/locales/all.js';
import { catalogueOf, LOCALES } from '../../../src/locales/index.js';
import { V2_SCOPE_DESCRIPTIONS } from '../../../src/index.js';

/**
 * The catalogues. The `Catalogue` type already makes a missing or extra key a compile error; this
 * checks what the type cannot: each is exported under its own tag, no text is empty, and every
 * text that takes a value shows it.
 */
const MARK = '\u{E001}';

/** Each leaf of a catalogue by its path: strings as they are, functions called with the mark. */
function leaves(value: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(path, value);
  else if (typeof value === 'function') out.set(path, String(value(path === 'rateLimited.message' ? { unit: 'minutes', count: 7 } : MARK)));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) for (const [p, s] of leaves(v, path === '' ? k : `${path}.${k}`)) out.set(p, s);
  }
  return out;
}

describe('locales: the catalogues', () => {
  const english = leaves(catalogueOf('en'));

  it('every locale is exported under its own language tag', () => {
    assert.deepEqual(Object.keys(ALL).sort(), [...LOCALES].sort());
    for (const [tag, catalogue] of Object.entries(ALL)) assert.equal(catalogue.lang, tag);
  });

  for (const locale of LOCALES) {
    it(`${locale}: the same keys as English, no empty text, every value shown`, () => {
      const own = leaves(catalogueOf(locale));
      assert.deepEqual([...own.keys()].sort(), [...english.keys()].sort());
      for (const [path, text] of own) {
        assert.ok(text.trim().length > 0, `${locale}: ${path} is empty`);
        if (path === 'rateLimited.message') assert.match(text, /\b7\b/, `${locale}: ${path} leaves out the wait`);
        else if (typeof lookup(catalogueOf(locale), path) === 'function') assert.ok(text.includes(MARK), `${locale}: ${path} leaves out its value`);
        // The pages escape every text, but a tag in one would be a translation mistake shown as code.
        assert.doesNotMatch(text, /[<>]/, `${locale}: ${path}`);
      }
    });
  }

  it('English describes the v2 scopes as the package exports them', () => {
    assert.equal(catalogueOf('en').scopes.v2, V2_SCOPE_DESCRIPTIONS);
  });

  it('the back link names the app when it has a name, in every locale', () => {
    for (const locale of LOCALES) {
      const back = catalogueOf(locale).errorPage.back;
      assert.ok(back('Acme Mail').includes('Acme Mail'), locale);
      assert.ok(!back(undefined).includes('undefined'), locale);
    }
  });

  it('the wait is singular for one and plural for more, in every locale', () => {
    const en = catalogueOf('en').rateLimited.message;
    assert.equal(en({ unit: 'minutes', count: 1 }), 'Too many sign-in attempts. Try again in 1 minute.');
    assert.equal(en({ unit: 'minutes', count: 2 }), 'Too many sign-in attempts. Try again in 2 minutes.');
    assert.equal(en({ unit: 'seconds', count: 30 }), 'Too many sign-in attempts. Try again in 30 seconds.');
    assert.match(catalogueOf('fr').rateLimited.message({ unit: 'minutes', count: 2 }), /dans 2 minutes\.$/);
    assert.match(catalogueOf('fr').rateLimited.message({ unit: 'seconds', count: 1 }), /dans 1 seconde\.$/);
    assert.match(catalogueOf('de').rateLimited.message({ unit: 'minutes', count: 2 }), /in 2 Minuten erneut\.$/);
    assert.match(catalogueOf('de').rateLimited.message({ unit: 'minutes', count: 1 }), /in 1 Minute erneut\.$/);
  });
});

function lookup(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const k of path.split('.')) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[k] : undefined;
  return at;
}
