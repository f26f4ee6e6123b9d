import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import request from 'supertest';
import { imapProvider, passwordProvider, sandboxProvider } from '../../../src/index.js';
import { catalogueOf, LOCALES, type Locale } from '../../../src/locales/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit } from '../../support/helpers.js';
import { formOf, postForm, visibleText } from '../../support/sign-in-forms.js';

/**
 * Every hosted sign-in page, drawn in each language other than English, shows no English: no
 * text of the English catalogue that the language words differently, and none of a few common
 * English words. The pages are reached the way a browser reaches them, with the language's
 * Accept-Language on every request.
 */
const PUBLIC = 'http://grantkit.test';
const CALLBACK = 'http://localhost:9/cb';
const UPSTREAM = 'http://127.0.0.1:1';
const THEMED = 'themed-app';
const CONSENT = 'consent-app';
const ACCEPT: Readonly<Record<Locale, string>> = { en: 'en-GB, en;q=0.9', fr: 'fr-CH, fr;q=0.9, en;q=0.5', de: 'de-AT, de;q=0.9, en;q=0.5' };

async function setup(): Promise<RequestListener> {
  const { kit } = makeKit({
    clients: [
      { id: CLIENT_ID, secret: CLIENT_SECRET, callbackUris: [CALLBACK] },
      { id: THEMED, secret: 'themed-secret', callbackUris: [CALLBACK], consent: true, name: 'Acme Mail', accentColor: '#5b21b6' },
      { id: CONSENT, secret: 'consent-secret', callbackUris: [CALLBACK], consent: true },
    ],
    providers: [sandboxProvider(), imapProvider(), ...(['yahoo', 'icloud', 'aol', 'hotmail', 'outlook'] as const).map((n) => passwordProvider(n))],
    providerEndpoints: { google: { authorizationUrl: `${UPSTREAM}/auth`, tokenUrl: `${UPSTREAM}/token`, userinfoUrl: `${UPSTREAM}/me` } },
    hostedOAuth: { publicUrl: PUBLIC },
    rateLimits: { loginPerAddressAndIp: { limit: 1, windowSeconds: 600 } },
  });
  await kit.connectors.create({ provider: 'google', clientId: 'g', clientSecret: 'g-secret', defaultScopes: ['openid'] });
  return makeApp(kit);
}

const v2 = (q: Record<string, string> = {}): string =>
  `/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', scopes: 'email.read_only', state: 'st', ...q })}`;
const v3 = (q: Record<string, string> = {}): string =>
  `/v3/connect/auth?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', state: 'st3', ...q })}`;

/** Every page of hosted sign-in, by name, as served to a browser asking for `locale`. */
async function everyPage(app: RequestListener, locale: Locale): Promise<Map<string, request.Response>> {
  const headers = { 'accept-language': ACCEPT[locale] };
  const get = (url: string): request.Test => request(app).get(url).set(headers);
  const pages = new Map<string, request.Response>();
  const email = await get(v2({ login_hint: 'ada@example.com' }));
  pages.set('email page (v2)', email);
  pages.set('email page shown again', await postForm(app, formOf(email), { email: 'not-an-address' }, { headers }));
  pages.set('picker after an unknown address', await postForm(app, formOf(await get(v2())), { email: 'eve@example.org' }, { headers }));
  pages.set('email page (v3)', await get(v3({ prompt: 'detect' })));
  pages.set('picker', await get(v3()));
  pages.set('picker with the email link', await get(v3({ prompt: 'select_provider,detect' })));
  for (const provider of ['sandbox', 'imap', 'yahoo', 'icloud']) pages.set(`${provider} form`, await get(v3({ provider, login_hint: 'fay@aol.com' })));
  for (const provider of ['aol', 'hotmail', 'outlook']) pages.set(`${provider} form (v2)`, await get(v2({ provider })));
  const imap = (values: Record<string, string>) => get(v3({ provider: 'imap' })).then((f) => postForm(app, formOf(f), { email: 'gus@example.org', password: 'x', ...values }, { headers }));
  pages.set('IMAP form: SSL on another port', await imap({ host: 'imap.example.org', port: '143', security: 'ssl' }));
  pages.set('IMAP form: no server', await imap({ host: ' ', port: '993', security: 'ssl' }));
  pages.set('IMAP form: no such security', await imap({ host: 'imap.example.org', port: '993', security: 'quantum' }));
  const wrong = await postForm(app, formOf(await get(v3({ provider: 'sandbox' }))), { email: 'hal@example.org', password: 'wrong' }, { headers });
  pages.set('form after a wrong password', wrong);
  pages.set('429 page', await postForm(app, formOf(wrong), { email: 'hal@example.org', password: 'wrong' }, { headers }));
  pages.set('expired form', await postForm(app, formOf(email), { email: 'ada@example.com' }, { headers }));
  pages.set('unreadable form', await request(app).post('/oauth/signin/email').set(headers).type('form').send({ email: 'x' }));
  pages.set('consent, themed (v2 scopes)', await get(v2({ client_id: THEMED, provider: 'sandbox', scopes: 'email.read_only,calendar,contacts' })));
  const providerScopes = ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/calendar.events', 'Mail.Send', 'offline_access'];
  pages.set('consent (provider scopes)', await get(v3({ client_id: CONSENT, provider: 'google', scope: providerScopes.join(' ') })));
  pages.set('error: unknown client', await get(v3({ client_id: 'nobody' })));
  pages.set('error: unregistered callback, themed', await get(v3({ client_id: THEMED, redirect_uri: 'https://elsewhere.example/cb' })));
  pages.set('error: v2 without redirect_on_error', await get(v2({ provider: 'exchange' })));
  pages.set('error: no provider to choose', await get(v3({ provider: 'microsoft,oauth2' })));
  for (const [name, page] of await callbackPages(app, headers)) pages.set(name, page);
  return pages;
}

/** The error pages of the provider callback: an unknown state, none, another browser, and the user saying no. */
async function callbackPages(app: RequestListener, headers: Record<string, string>): Promise<Array<[string, request.Response]>> {
  const get = (url: string, cookie?: string): request.Test => request(app).get(url).set(cookie === undefined ? headers : { ...headers, cookie });
  const started = async (url: string): Promise<{ state: string; cookie: string }> => {
    const res = await get(url);
    assert.equal(res.status, 302, res.text);
    return { state: new URL(String(res.headers['location'])).searchParams.get('state')!, cookie: String(res.headers['set-cookie']).split(';')[0]! };
  };
  const other = await started(v3({ provider: 'google' }));
  const declined = await started(v2({ provider: 'gmail' }));
  return [
    ['callback: unknown state', await get('/oauth/callback/google?state=gk_flow_unknown&code=c')],
    ['callback: no state', await get('/oauth/callback/google?code=c')],
    ['callback: another browser', await get(`/oauth/callback/google?${new URLSearchParams({ state: other.state, code: 'c' })}`)],
    ['callback: access not granted (v2)', await get(`/oauth/callback/google?${new URLSearchParams({ state: declined.state, error: 'access_denied' })}`, declined.cookie)],
  ];
}

const MARK = '\u{E001}';

/** Each text of a catalogue by its path; a text that takes a value is called with a mark in its place. */
function texts(value: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(path, value);
  else if (typeof value === 'function') out.set(path, String(value(path === 'rateLimited.message' ? { unit: 'minutes', count: 7 } : MARK)));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) for (const e of texts(v, path === '' ? k : `${path}.${k}`)) out.set(...e);
  return out;
}

/** A phrase as a whole-word pattern. */
const phrase = (p: string): RegExp => new RegExp(`(?<![\\p{L}\\p{N}])${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u');

/**
 * The English a page in `locale` must not show: each clause of each English text that the locale
 * words differently, unless the locale uses the same words itself (IMAP, SSL/TLS, client_id...).
 */
function englishOnly(locale: Locale): RegExp[] {
  const own = texts(catalogueOf(locale));
  const ownWords = [...own.values()].join('\n');
  const clauses = new Set<string>();
  for (const [path, english] of texts(catalogueOf('en'))) {
    if (own.get(path) === english) continue;
    for (const clause of english.split(/[.;:,!?()\u{E001}]/u).map((c) => c.trim())) {
      if (/\p{L}{3}/u.test(clause) && !phrase(clause).test(ownWords)) clauses.add(clause);
    }
  }
  return [...clauses].map(phrase);
}

const ENGLISH_WORDS = /\b(the|your|you|with|and|sign in|password|try again|account|enter|please|choose|allow|decline|continue|back)\b/i;

describe('translations: no page shows English when another language is chosen', () => {
  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    it(`${locale}: every page, in its language, with <html lang> and Content-Language`, async () => {
      const app = await setup();
      const english = englishOnly(locale);
      assert.ok(english.length > 100, `only ${english.length} English clauses to look for`);
      const pages = await everyPage(app, locale);
      assert.equal(pages.size, 30);
      for (const [name, res] of pages) {
        assert.match(String(res.headers['content-type']), /^text\/html/, `${name}: ${res.status} ${res.text.slice(0, 200)}`);
        assert.match(res.text, new RegExp(`^<!doctype html><html lang="${locale}">`), name);
        assert.equal(res.headers['content-language'], locale, name);
        const shown = visibleText(res.text);
        const leftover = english.filter((p) => p.test(shown)).map(String);
        assert.deepEqual(leftover, [], `${name} shows English: ${shown}`);
        assert.doesNotMatch(shown, ENGLISH_WORDS, `${name}: ${shown}`);
      }
    });
  }

  it('the same pages in English show the English catalogue (the check above can see English)', async () => {
    const app = await setup();
    const pages = await everyPage(app, 'en');
    const english = englishOnly('fr');
    const shown = [...pages.values()].map((r) => visibleText(r.text)).join('\n');
    for (const res of pages.values()) assert.equal(res.headers['content-language'], 'en');
    assert.ok(english.filter((p) => p.test(shown)).length > 60);
    assert.match(shown, ENGLISH_WORDS);
  });
});
