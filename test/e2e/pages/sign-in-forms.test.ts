import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Browser } from 'playwright-core';
import { grantkit } from '../../../adapters/express/index.js';
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from '../../../examples/shared/config.js';
import { createGrantKit, imapProvider, MemoryStore, type GrantKit } from '../../../src/index.js';
import { startImap } from '../../support/providers.js';
import { cspViolations, launchChromium, startExampleWithOutput, type RunningExample } from './helpers.js';

/**
 * grantkit's own sign-in forms in Chromium, under their CSP: the v2 flow without a provider
 * through the email page and the sandbox's credential form of `npm start`, and the v3 IMAP form
 * against an IMAP server on loopback, with a wrong password, a retry, and the 429 page.
 */
describe('pages: v2 without a provider, email page → sandbox form → code, against `npm start`', () => {
  let example: RunningExample;
  let appCallback: Server;
  let callback: string;
  let browser: Browser | undefined;

  before(async () => {
    // The app's callback on an origin of its own, registered as the example's callback URI: the
    // code comes to the test (the example's own /callback/v2 page would redeem it first), and the
    // form's redirect crosses origins under the CSP, as a real app's does.
    appCallback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>App</title><h1>App callback</h1>'));
    await new Promise<void>((resolve) => appCallback.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(appCallback.address() as AddressInfo).port}/callback/v2`;
    example = await startExampleWithOutput('examples/express/server.ts', { GRANTKIT_CALLBACK_URIS: callback });
  });
  after(async () => {
    await browser?.close();
    await example.stop();
    appCallback.closeAllConnections();
    appCallback.close();
  });

  it('the printed v2 URL asks for the address, the sandbox form signs in under the CSP, /oauth/token redeems the code, scopes guard', async (t) => {
    browser = await launchChromium(t);
    if (browser === undefined) return;
    const printed = /(http:\/\/localhost:\d+\/oauth\/authorize\?\S+)/.exec(example.stdout)?.[1];
    assert.ok(printed, example.stdout);
    assert.doesNotMatch(printed, /provider=/);
    assert.equal(new URL(printed).searchParams.get('redirect_uri'), callback);
    const page = await browser.newPage();
    const blocked = cspViolations(page);
    await page.goto(`${printed}&state=v2-state`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // An address no table places: the picker of configured providers, which offers the sandbox.
    await page.getByLabel('Email address').fill('newcomer@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Choose how to sign in' }).waitFor();
    await page.getByRole('link', { name: 'Sandbox' }).click();
    await page.getByRole('heading', { name: 'Sign in with Sandbox' }).waitFor();
    assert.equal(await page.getByLabel('Email address').inputValue(), 'newcomer@example.com');
    await page.getByLabel('Password').fill('sandbox');
    await Promise.all([page.waitForURL(`${callback}?**`), page.getByRole('button', { name: 'Sign in' }).click()]);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'v2-state');
    const code = back.searchParams.get('code') ?? '';
    const q = new URLSearchParams({ client_id: DEV_CLIENT_ID, client_secret: DEV_CLIENT_SECRET, grant_type: 'authorization_code', code });
    const res = await fetch(`http://localhost:${example.port}/oauth/token?${q}`);
    assert.equal(res.status, 200);
    const token = (await res.json()) as { access_token: string; provider: string; email_address: string };
    assert.equal(token.provider, 'sandbox');
    assert.equal(token.email_address, 'newcomer@example.com');
    const bearer = { authorization: `Bearer ${token.access_token}` };
    assert.equal((await fetch(`http://localhost:${example.port}/messages`, { headers: bearer })).status, 200);
    assert.equal((await fetch(`http://localhost:${example.port}/messages/1`, { method: 'PUT', headers: bearer })).status, 403);
    assert.deepEqual(blocked, [], 'the CSP let every post and redirect through');
  });
});

describe('pages: v3 hosted IMAP against a loopback IMAP server', () => {
  let CALLBACK: string;
  let appCallback: Server;
  let imap: { port: number; close(): Promise<void> };
  let kit: GrantKit;
  let server: Server;
  let base: string;
  let browser: Browser | undefined;

  before(async () => {
    imap = await startImap({ 'ada@mail.test': { password: 'right-password' } });
    // The app's callback, on an origin of its own, as a real app's would be.
    appCallback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>App callback</h1>'));
    await new Promise<void>((resolve) => appCallback.listen(0, '127.0.0.1', resolve));
    CALLBACK = `http://127.0.0.1:${(appCallback.address() as AddressInfo).port}/imap-callback`;
    const app = express();
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kit = createGrantKit({
      clients: [{ id: 'imap-app', secret: 'imap-app-secret', callbackUris: [CALLBACK] }],
      secretKeys: ['i'.repeat(40)],
      store: new MemoryStore(),
      // The test's IMAP server is on loopback: a user-typed host may point there only with this allowance.
      providers: [imapProvider({ allowPrivateHosts: true, timeoutMs: 5000 })],
      hostedOAuth: { publicUrl: base },
      rateLimits: { loginPerAddressAndIp: { limit: 3, windowSeconds: 600 } },
    });
    await kit.connectors.create({ provider: 'imap', defaultScopes: ['email.read_only'] });
    app.use(grantkit(kit).routes());
  });
  after(async () => {
    await browser?.close();
    server.closeAllConnections();
    server.close();
    await kit.close();
    await imap.close();
    appCallback.closeAllConnections();
    appCallback.close();
  });

  it('a wrong password, a retry that signs in, a code /v3/connect/token redeems, then the 429 page after too many', async (t) => {
    browser = await launchChromium(t);
    if (browser === undefined) return;
    const page = await browser.newPage();
    const blocked = cspViolations(page);
    const auth = `${base}/v3/connect/auth?${new URLSearchParams({ client_id: 'imap-app', redirect_uri: CALLBACK, response_type: 'code', provider: 'imap', state: 'v3-state' })}`;
    const fill = async (password: string): Promise<void> => {
      await page.getByLabel('Email address').fill('ada@mail.test');
      await page.getByLabel('Password').fill(password);
      await page.getByLabel('IMAP server').fill('127.0.0.1');
      await page.getByLabel('Port').fill(String(imap.port));
      await page.getByLabel('Security').selectOption('none');
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await page.goto(auth);
    await page.getByRole('heading', { name: 'Sign in with Other email (IMAP)' }).waitFor();
    await fill('wrong-password');
    await page.getByRole('alert').filter({ hasText: 'did not accept these credentials' }).waitFor();
    assert.equal(await page.getByLabel('Email address').inputValue(), 'ada@mail.test');
    assert.equal(await page.getByLabel('Password').inputValue(), '');
    assert.ok(!(await page.content()).includes('wrong-password'));
    assert.equal(await page.getByLabel('IMAP server').inputValue(), '127.0.0.1');

    await Promise.all([page.waitForURL(`${CALLBACK}?**`), fill('right-password')]);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'v3-state');
    const res = await fetch(`${base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: 'imap-app', client_secret: 'imap-app-secret', redirect_uri: CALLBACK, code: back.searchParams.get('code') }),
    });
    assert.equal(res.status, 200);
    const tokens = (await res.json()) as { provider: string; email: string; scope: string };
    assert.equal(tokens.provider, 'imap');
    assert.equal(tokens.email, 'ada@mail.test');
    assert.equal(tokens.scope, 'email.read_only');

    // Three failures fill the per-address-and-IP limit; the next post is the 429 page, the provider never asked.
    await page.goto(auth);
    for (let i = 0; i < 3; i++) {
      await fill(`wrong-${i}`);
      await page.getByRole('alert').waitFor();
    }
    const [limited] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/oauth/signin/credentials')), fill('right-password')]);
    assert.equal(limited.status(), 429);
    await page.getByRole('heading', { name: 'Too many attempts' }).waitFor();
    assert.deepEqual(blocked, [], 'the CSP let every post and redirect through');
  });
});
