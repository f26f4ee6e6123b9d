import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { passwordProvider, sandboxProvider, imapProvider } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit } from '../../support/helpers.js';
import { formOf as readForm, postForm, type Form } from '../../support/sign-in-forms.js';

/**
 * The hosted sign-in pages at route level: the email page and where each address leads, the
 * CSRF, cookie and replay refusals of the forms' posts, and passwords never written back.
 */
const PUBLIC = 'http://grantkit.test';
const CALLBACK = 'http://localhost:9/cb';
const UPSTREAM = 'http://127.0.0.1:1';

async function setup() {
  const { kit } = makeKit({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, callbackUris: [CALLBACK] }],
    providers: [sandboxProvider(), passwordProvider('yahoo'), passwordProvider('icloud'), imapProvider()],
    providerEndpoints: { google: { authorizationUrl: `${UPSTREAM}/auth`, tokenUrl: `${UPSTREAM}/token`, userinfoUrl: `${UPSTREAM}/me` } },
    hostedOAuth: { publicUrl: PUBLIC },
  });
  await kit.connectors.create({ provider: 'google', clientId: 'g', clientSecret: 'g-secret', defaultScopes: ['openid'] });
  return { kit, app: makeApp(kit) };
}

type App = Awaited<ReturnType<typeof setup>>['app'];

const v2 = (q: Record<string, string> = {}): string =>
  `/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', scopes: 'email.read_only', state: 'st', ...q })}`;
const v3 = (q: Record<string, string> = {}): string =>
  `/v3/connect/auth?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', ...q })}`;

/** The form of a page, with the flow cookie's attributes checked. */
function formOf(res: request.Response): Form {
  assert.match(String(res.headers['set-cookie']), /^gk_flow_[\w-]+=[\w-]{43}; Path=\/oauth\/signin; Max-Age=900; HttpOnly; SameSite=Lax$/);
  return readForm(res);
}

function post(app: App, form: Form, values: Record<string, string>, withCookie = true): request.Test {
  return postForm(app, form, values, { cookie: withCookie });
}

describe('hosted sign-in pages (route level)', () => {
  it('v2 without a provider: the email page, prefilled from login_hint, posting to grantkit only', async () => {
    const { app } = await setup();
    const res = await request(app).get(v2({ login_hint: 'ada@example.com' }));
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Sign in<\/h1>/);
    assert.match(res.text, /name="email" type="email"[^>]*value="ada@example.com"/);
    const form = formOf(res);
    assert.equal(form.action, '/oauth/signin/email');
    assert.match(form.fields['flow'] ?? '', /^gk_flow_/);
    assert.match(form.fields['csrf_token'] ?? '', /^[\w-]{43}$/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self' http:\/\/localhost:9 http:\/\/127\.0\.0\.1:1(;|$)/);
    assert.match(res.text, /provider=gmail/);
    assert.match(res.text, /provider=sandbox/);
  });

  it('v3 prompt: the picker by default, the email page for detect, each with a way to the other when both are asked', async () => {
    const { app } = await setup();
    const picker = await request(app).get(v3());
    assert.match(picker.text, /Choose how to sign in/);
    assert.doesNotMatch(picker.text, /<form/);
    assert.match((await request(app).get(v3({ prompt: 'select_provider,detect' }))).text, /prompt=detect%2Cselect_provider/);
    const detect = await request(app).get(v3({ prompt: 'detect' }));
    assert.match(detect.text, /action="http:\/\/grantkit\.test\/oauth\/signin\/email"/);
    assert.doesNotMatch(detect.text, /provider=google/);
    assert.match((await request(app).get(v3({ prompt: 'detect,select_provider' }))).text, /provider=google/);
    const bad = await request(app).get(v3({ prompt: 'consent' }));
    assert.equal(bad.status, 302);
    assert.match(String(bad.headers['location']), /error=invalid_request/);
  });

  it('the email page: Google goes to its connector, Yahoo and iCloud get the app-password form, IMAP the server fields, an unknown domain the picker', async () => {
    const { app } = await setup();
    const send = async (email: string): Promise<request.Response> => post(app, formOf(await request(app).get(v2())), { email });

    const google = await send('ada@gmail.com');
    assert.equal(google.status, 302);
    const to = new URL(String(google.headers['location']));
    assert.equal(`${to.origin}${to.pathname}`, `${UPSTREAM}/auth`);
    assert.equal(to.searchParams.get('login_hint'), 'ada@gmail.com');

    const yahoo = await send('bob@yahoo.com');
    assert.equal(yahoo.status, 200);
    assert.match(yahoo.text, /Sign in with Yahoo/);
    assert.match(yahoo.text, /App password/);
    assert.match(yahoo.text, /href="https:\/\/help\.yahoo\.com\//);
    assert.equal(formOf(yahoo).action, '/oauth/signin/credentials');
    assert.match((await send('cy@icloud.com')).text, /href="https:\/\/support\.apple\.com\//);

    const imap = await send('dee@fastmail.com');
    assert.match(imap.text, /Sign in with Other email \(IMAP\)/);
    assert.match(imap.text, /name="host" type="text" value=""/);
    assert.match(imap.text, /name="port" type="text" value="993"/);
    assert.match(imap.text, /<option value="ssl" selected>/);
    assert.match(String(imap.headers['content-security-policy']), /form-action 'self' http:\/\/localhost:9(;|$)/);

    const unknown = await send('eve@example.org');
    assert.match(unknown.text, /Choose how to sign in/);
    assert.match(unknown.text, /provider=sandbox[^"]*login_hint=eve%40example\.org|login_hint=eve%40example\.org[^"]*provider=sandbox/);
  });

  it('a named password provider starts with its form; generic IMAP is prefilled from the presets', async () => {
    const { app } = await setup();
    const res = await request(app).get(v2({ provider: 'imap', login_hint: 'fay@aol.com' }));
    assert.equal(res.status, 200);
    assert.match(res.text, /name="host" type="text" value="imap\.aol\.com"/);
    const v3imap = await request(app).get(v3({ provider: 'sandbox', scope: 'email.read_only' }));
    assert.match(v3imap.text, /Sign in with Sandbox/);
  });

  it('a form post without the CSRF token, without the cookie, or a second time is refused', async () => {
    const { app } = await setup();
    const form = formOf(await request(app).get(v2({ provider: 'sandbox' })));
    const wrongCsrf = await post(app, form, { csrf_token: 'x'.repeat(43), email: 'ada@example.com', password: 'sandbox' });
    assert.equal(wrongCsrf.status, 400);
    assert.match(wrongCsrf.text, /grant\.login_id_invalid/);
    // The refused post burned the flow: the right token does not bring it back.
    assert.equal((await post(app, form, { email: 'ada@example.com', password: 'sandbox' })).status, 400);

    const again = formOf(await request(app).get(v2({ provider: 'sandbox' })));
    assert.equal((await post(app, again, { email: 'ada@example.com', password: 'sandbox' }, false)).status, 400);

    const third = formOf(await request(app).get(v2({ provider: 'sandbox' })));
    const ok = await post(app, third, { email: 'ada@example.com', password: 'sandbox' });
    assert.equal(ok.status, 303);
    const replay = await post(app, third, { email: 'ada@example.com', password: 'sandbox' });
    assert.equal(replay.status, 400);
    assert.equal(replay.headers['location'], undefined);
  });

  it('a wrong password shows the form again with the address and an error, never the password', async () => {
    const { app } = await setup();
    const form = formOf(await request(app).get(v2({ provider: 'sandbox' })));
    const password = 'hunter2-"<b>secret';
    const res = await post(app, form, { email: 'ada@example.com', password });
    assert.equal(res.status, 400);
    assert.match(res.text, /The provider did not accept these credentials\./);
    assert.match(res.text, /value="ada@example.com"/);
    assert.ok(!res.text.includes('hunter2'), 'the password came back');
    const retry = formOf(res);
    assert.notEqual(retry.fields['flow'], form.fields['flow']);
    const ok = await post(app, retry, { email: 'ada@example.com', password: 'sandbox' });
    assert.equal(ok.status, 303);
  });

  it('the sandbox form signs in: 303 to the callback with code and state, /oauth/token redeems it, scopes guard', async () => {
    const { app } = await setup();
    const form = formOf(await request(app).get(v2({ provider: 'sandbox' })));
    const res = await post(app, form, { email: 'ada@example.com', password: 'sandbox' });
    assert.equal(res.status, 303);
    assert.match(String(res.headers['set-cookie']), /Max-Age=0/);
    const back = new URL(String(res.headers['location']));
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('state'), 'st');
    const code = back.searchParams.get('code')!;
    const tok = await request(app).get(`/oauth/token?${new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code })}`);
    assert.equal(tok.status, 200, tok.text);
    assert.equal(tok.body.provider, 'sandbox');
    assert.equal(tok.body.email_address, 'ada@example.com');
    const bearer = `Bearer ${tok.body.access_token}`;
    assert.equal((await request(app).get('/messages').set('authorization', bearer)).status, 200);
    assert.equal((await request(app).put('/messages/1').set('authorization', bearer)).status, 403);
  });

  it('provider rules apply before the form: calendar without an email scope on IMAP goes back to the app', async () => {
    const { app } = await setup();
    const res = await request(app).get(v2({ provider: 'yahoo', scopes: 'calendar', redirect_on_error: 'true' }));
    assert.equal(res.status, 302);
    assert.match(String(res.headers['location']), /error=invalid_request.*need\+an\+email\+scope/);
  });
});
