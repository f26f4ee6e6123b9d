import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import type { ClientOptions } from '../../../src/index.js';
import { sandboxProvider } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit } from '../../support/helpers.js';
import { formOf, postForm, type Form } from '../../support/sign-in-forms.js';

/**
 * The consent screen (a client's `consent: true`) and per-client theming of the hosted pages, at
 * route level: what the screen lists, where Allow and Decline lead, the CSRF and cookie refusals
 * of its post, and the name, accent colour and icon (with its CSP img-src) on every page.
 */
const PUBLIC = 'http://grantkit.test';
const CALLBACK = 'http://localhost:9/cb';
const UPSTREAM = 'http://127.0.0.1:1';
const ICON = 'https://cdn.example/brand/icon.png';

async function setup(client: Partial<ClientOptions> = {}) {
  const { kit } = makeKit({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, callbackUris: [CALLBACK], ...client }],
    providers: [sandboxProvider()],
    providerEndpoints: { google: { authorizationUrl: `${UPSTREAM}/auth`, tokenUrl: `${UPSTREAM}/token`, userinfoUrl: `${UPSTREAM}/me` } },
    hostedOAuth: { publicUrl: PUBLIC },
  });
  await kit.connectors.create({ provider: 'google', clientId: 'g', clientSecret: 'g-secret', defaultScopes: ['openid'] });
  return makeApp(kit);
}

type App = Awaited<ReturnType<typeof setup>>;

const v2 = (q: Record<string, string> = {}): string =>
  `/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', scopes: 'email.read_only,calendar', state: 'st', ...q })}`;
const v3 = (q: Record<string, string> = {}): string =>
  `/v3/connect/auth?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', state: 'st3', ...q })}`;

function post(app: App, form: Form, values: Record<string, string>, withCookie = true): request.Test {
  return postForm(app, form, values, { cookie: withCookie });
}

describe('the consent screen (route level)', () => {
  it('is off by default: a named provider goes straight to its form, as before', async () => {
    const app = await setup();
    const res = await request(app).get(v2({ provider: 'sandbox' }));
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Sign in with Sandbox<\/h1>/);
    assert.doesNotMatch(res.text, /Allow access/);
    assert.equal(formOf(res).action, '/oauth/signin/credentials');
  });

  it('on: lists the scopes in plain words with the app name; Allow continues to the form, and the form to a code', async () => {
    const app = await setup({ consent: true, name: 'Acme Mail' });
    const res = await request(app).get(v2({ provider: 'sandbox' }));
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Allow access to your account<\/h1>/);
    assert.match(res.text, /Acme Mail is asking to connect to your Sandbox account/);
    assert.match(res.text, /<li>Read messages, threads, attachments, drafts and metadata\. No writes\.<\/li>/);
    assert.match(res.text, /<li>Read and modify calendars and events\.<\/li>/);
    const consent = formOf(res);
    assert.equal(consent.action, '/oauth/signin/consent');
    assert.match(consent.fields['csrf_token'] ?? '', /^[\w-]{43}$/);

    const form = await post(app, consent, { decision: 'accept' });
    assert.equal(form.status, 200);
    assert.match(form.text, /<h1>Sign in with Sandbox<\/h1>/);
    const done = await post(app, formOf(form), { email: 'ada@example.com', password: 'sandbox' });
    assert.equal(done.status, 303);
    const back = new URL(String(done.headers['location']));
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('state'), 'st');
    assert.match(back.searchParams.get('code') ?? '', /.{20,}/);
  });

  it('Decline goes back to the app with error=access_denied and the state', async () => {
    const app = await setup({ consent: true });
    const res = await post(app, formOf(await request(app).get(v2({ provider: 'sandbox' }))), { decision: 'decline' });
    assert.equal(res.status, 303);
    const back = new URL(String(res.headers['location']));
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 'st');
    assert.equal(back.searchParams.get('code'), null);
  });

  it('a post with a wrong CSRF token, without the cookie, twice, or to the credential form is refused', async () => {
    const app = await setup({ consent: true });
    const screen = async (): Promise<Form> => formOf(await request(app).get(v2({ provider: 'sandbox' })));
    const wrong = await post(app, await screen(), { csrf_token: 'x'.repeat(43), decision: 'accept' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /grant\.login_id_invalid/);
    assert.equal((await post(app, await screen(), { decision: 'decline' }, false)).status, 400);
    const once = await screen();
    assert.equal((await post(app, once, { decision: 'accept' })).status, 200);
    assert.equal((await post(app, once, { decision: 'accept' })).status, 400);
    // The consent flow is not a credential form's: posting credentials with it skips nothing.
    const skip = await screen();
    const credentials = await post(app, { ...skip, action: '/oauth/signin/credentials' }, { email: 'ada@example.com', password: 'sandbox' });
    assert.equal(credentials.status, 400);
    assert.equal(credentials.headers['location'], undefined);
  });

  it('v3 OAuth: provider scopes in plain words (unknown ones as they are), and Allow redirects to the provider', async () => {
    const app = await setup({ consent: true });
    const scope = 'https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/x.unknown';
    const res = await request(app).get(v3({ provider: 'google', scope }));
    assert.equal(res.status, 200);
    assert.match(res.text, /<li>Read your email, but not send it\.<\/li>/);
    assert.match(res.text, /<li>https:\/\/www\.googleapis\.com\/auth\/x\.unknown<\/li>/);
    assert.match(res.text, /your Google account/);
    assert.match(String(res.headers['content-security-policy']), /form-action 'self' http:\/\/localhost:9 http:\/\/127\.0\.0\.1:1(;|$)/);
    const go = await post(app, formOf(res), { decision: 'accept' });
    assert.equal(go.status, 302);
    const to = new URL(String(go.headers['location']));
    assert.equal(`${to.origin}${to.pathname}`, `${UPSTREAM}/auth`);
    assert.match(to.searchParams.get('scope') ?? '', /gmail\.readonly/);
  });
});

describe('per-client theming (route level)', () => {
  const theme = { name: 'Acme <Mail>', iconUrl: ICON, accentColor: '#0a7' };

  it('shows the name, icon and accent on the email page, the picker, the form and the consent screen; img-src is the icon origin', async () => {
    const app = await setup({ ...theme, consent: true });
    const pages = [
      await request(app).get(v2()),
      await request(app).get(v3()),
      await request(app).get(v2({ provider: 'sandbox' })),
      await post(app, formOf(await request(app).get(v2({ provider: 'sandbox' }))), { decision: 'accept' }),
    ];
    for (const res of pages) {
      assert.equal(res.status, 200, res.text.slice(0, 300));
      assert.match(res.text, /<span class="app-name">Acme &#60;Mail&#62;<\/span>/);
      assert.match(res.text, /<img class="app-icon" src="https:\/\/cdn\.example\/brand\/icon\.png" alt=""/);
      assert.match(res.text, /button,a\.b\{background:#0a7;color:#000;/);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /^default-src 'none'; style-src 'unsafe-inline'; img-src https:\/\/cdn\.example; frame-ancestors 'none'; form-action /);
    }
  });

  it('a client without an icon gets no img-src and no header; a dark accent gets white button text', async () => {
    const app = await setup({ accentColor: '#123456' });
    const res = await request(app).get(v2({ provider: 'sandbox' }));
    assert.doesNotMatch(String(res.headers['content-security-policy']), /img-src/);
    assert.doesNotMatch(res.text, /<header/);
    assert.match(res.text, /button,a\.b\{background:#123456;color:#fff;/);
    const plain = await request(await setup()).get(v2({ provider: 'sandbox' }));
    assert.doesNotMatch(plain.text, /background:#/);
  });

  it('invalid theme options throw ERR_INVALID_ARG_VALUE naming the option', () => {
    const cases: Array<[string, Partial<ClientOptions>]> = [
      ['iconUrl', { iconUrl: 'http://cdn.example/icon.png' }],
      ['iconUrl', { iconUrl: 'javascript:alert(1)' }],
      ['accentColor', { accentColor: 'red;}body{display:none' }],
      ['accentColor', { accentColor: '#abcd' }],
      ['name', { name: '' }],
      ['consent', { consent: 'yes' as unknown as boolean }],
    ];
    for (const [option, bad] of cases) {
      assert.throws(
        () => makeKit({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, ...bad }] }),
        (err: unknown) => err instanceof TypeError && (err as { code?: unknown }).code === 'ERR_INVALID_ARG_VALUE' && err.message.includes(`"clients[0].${option}"`),
        option,
      );
    }
  });
});
