import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import request from 'supertest';
import { sandboxProvider } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit } from '../../support/helpers.js';
import { formOf, postForm, visibleText } from '../../support/sign-in-forms.js';

/**
 * Which language each page of one sign-in speaks: the `locale` parameter over Accept-Language,
 * kept from the first page to the last however the browser's header changes; pages with no
 * sign-in behind them follow the request. And error pages in the client's theme, with a way back
 * to the app only when its callback URI is known good.
 */
const PUBLIC = 'http://grantkit.test';
const CALLBACK = 'http://localhost:9/cb';
const THEMED = 'themed-app';

async function setup(): Promise<RequestListener> {
  const { kit } = makeKit({
    clients: [
      { id: CLIENT_ID, secret: CLIENT_SECRET, callbackUris: [CALLBACK] },
      { id: THEMED, secret: 'themed-secret', callbackUris: [CALLBACK], consent: true, name: 'Acme Mail', iconUrl: 'https://cdn.example/acme.png', accentColor: '#5b21b6' },
    ],
    providers: [sandboxProvider()],
    hostedOAuth: { publicUrl: PUBLIC },
  });
  return makeApp(kit);
}

const v2 = (q: Record<string, string> = {}): string =>
  `/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', scopes: 'email.read_only', state: 'st', ...q })}`;
const v3 = (q: Record<string, string> = {}): string =>
  `/v3/connect/auth?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', state: 'st3', ...q })}`;
const FR = { 'accept-language': 'fr' };
const DE = { 'accept-language': 'de' };

/** The page's language and its heading. */
function langAndTitle(res: request.Response): [string | undefined, string | undefined] {
  return [/<html lang="([^"]+)">/.exec(res.text)?.[1], /<h1>([^<]*)<\/h1>/.exec(res.text)?.[1]];
}

describe('page locale: chosen once, kept for the whole sign-in', () => {
  it('locale=de wins over a French browser on every page of the flow: email → picker → form → wrong password', async () => {
    const app = await setup();
    const email = await request(app).get(v2({ locale: 'de' })).set(FR);
    assert.deepEqual(langAndTitle(email), ['de', 'Anmelden']);
    const picker = await postForm(app, formOf(email), { email: 'eve@example.org' }, { headers: FR });
    assert.deepEqual(langAndTitle(picker), ['de', 'Wählen Sie, wie Sie sich anmelden']);
    const link = /href="([^"]*provider=sandbox[^"]*)"/.exec(picker.text)?.[1]?.replaceAll('&#38;', '&');
    assert.ok(link !== undefined && link.includes('locale=de'), 'the picker keeps the locale in its links');
    const form = await request(app).get(link.slice(PUBLIC.length)).set(FR);
    assert.deepEqual(langAndTitle(form), ['de', 'Mit Sandbox anmelden']);
    const wrong = await postForm(app, formOf(form), { email: 'eve@example.org', password: 'nope' }, { headers: FR });
    assert.equal(wrong.status, 400);
    assert.match(visibleText(wrong.text), /Der Anbieter hat diese Zugangsdaten nicht akzeptiert\./);
    // A form posted again has no sign-in behind it any more: its page follows the request, in French.
    const replay = await postForm(app, formOf(form), { email: 'eve@example.org', password: 'sandbox' }, { headers: FR });
    assert.deepEqual(langAndTitle(replay), ['fr', 'Échec de la connexion']);
  });

  it('without locale, the language of the first page stays when the browser changes its header', async () => {
    const app = await setup();
    const email = await request(app).get(v3({ prompt: 'detect' })).set(FR);
    assert.deepEqual(langAndTitle(email), ['fr', 'Connexion']);
    const next = await postForm(app, formOf(email), { email: 'eve@example.org' }, { headers: DE });
    assert.equal(langAndTitle(next)[0], 'fr');
    const consent = await request(app).get(v2({ client_id: THEMED, provider: 'sandbox' })).set(DE);
    assert.deepEqual(langAndTitle(consent), ['de', 'Zugriff auf Ihr Konto erlauben']);
    const allowed = await postForm(app, formOf(consent), { decision: 'accept' }, { headers: FR });
    assert.deepEqual(langAndTitle(allowed), ['de', 'Mit Sandbox anmelden']);
  });

  it('an unknown locale, or none and no header, is English; Content-Language says which', async () => {
    const app = await setup();
    for (const [res, lang] of [
      [await request(app).get(v3({ locale: 'tlh' })).set(DE), 'de'],
      [await request(app).get(v3({ locale: 'tlh' })), 'en'],
      [await request(app).get(v3()), 'en'],
      [await request(app).get(v3({ locale: 'FR-ca' })), 'fr'],
    ] as const) {
      assert.equal(langAndTitle(res)[0], lang);
      assert.equal(res.headers['content-language'], lang);
    }
  });
});

describe('error pages: translated, in the client theme, with a way back when the callback is known good', () => {
  it('a known client with an unregistered callback: its theme, no way back (the callback is in doubt)', async () => {
    const app = await setup();
    const res = await request(app).get(v3({ client_id: THEMED, redirect_uri: 'https://elsewhere.example/cb', locale: 'fr' }));
    assert.equal(res.status, 400);
    assert.match(res.text, /<span class="app-name">Acme Mail<\/span>/);
    assert.match(res.text, /<img class="app-icon" src="https:\/\/cdn\.example\/acme\.png"/);
    assert.match(String(res.headers['content-security-policy']), /img-src https:\/\/cdn\.example;/);
    assert.match(res.text, /button,a\.b\{background:#5b21b6;/);
    assert.match(res.text, /<code data-error-type>grant\.callback_uri_not_allowed<\/code>/);
    assert.doesNotMatch(res.text, /<a /);
    assert.doesNotMatch(res.text, /elsewhere\.example/);
  });

  it('an unknown client: plain, in the requested language', async () => {
    const app = await setup();
    const res = await request(app).get(v3({ client_id: 'nobody' })).set(DE);
    assert.deepEqual(langAndTitle(res), ['de', 'Anmeldung fehlgeschlagen']);
    assert.doesNotMatch(res.text, /<header/);
  });

  it('an error after the callback is checked (v2 without redirect_on_error): themed, translated, and a link back with what the redirect would carry', async () => {
    const app = await setup();
    const res = await request(app).get(v2({ client_id: THEMED, provider: 'exchange', state: 'back-state' })).set(FR);
    assert.equal(res.status, 400);
    assert.match(res.text, /<span class="app-name">Acme Mail<\/span>/);
    assert.match(visibleText(res.text), /La demande de connexion de l'application ne peut pas aboutir ici\. Revenir à Acme Mail$/);
    const href = /<a class="b" href="([^"]+)">Revenir à Acme Mail<\/a>/.exec(res.text)?.[1]?.replaceAll('&#38;', '&');
    assert.match(res.text, /button,a\.b\{background:#5b21b6;color:#fff;/);
    assert.ok(href, res.text);
    const back = new URL(href);
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.equal(back.searchParams.get('state'), 'back-state');
    assert.match(back.searchParams.get('error_description') ?? '', /exchange/);
    // The same request with redirect_on_error goes there at once.
    const redirected = await request(app).get(v2({ client_id: THEMED, provider: 'exchange', state: 'back-state', redirect_on_error: 'true' }));
    assert.equal(redirected.status, 302);
    assert.equal(redirected.headers['location'], back.toString());
  });
});
