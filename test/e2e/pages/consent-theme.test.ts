import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Browser } from 'playwright-core';
import { grantkit } from '../../../adapters/express/index.js';
import { createGrantKit, MemoryStore, sandboxProvider, type GrantKit } from '../../../src/index.js';
import { cspViolations, isRenderedPng, launchChromium } from './helpers.js';

/**
 * The consent screen of a themed client in Chromium, under the pages' CSP: the app's name, icon
 * (loaded from its own origin, which the CSP's img-src allows) and accent colour; Allow leads to
 * the sandbox's credential form, which redirects to the app's callback with a code; Decline
 * redirects there with access_denied.
 */
const ICON = 'https://icons.example/acme.png';
/** A 1x1 PNG, served for the icon so that nothing leaves the machine. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('pages: the consent screen of a themed client, sandbox form flow', () => {
  let kit: GrantKit;
  let server: Server;
  let appCallback: Server;
  let base: string;
  let callback: string;
  let browser: Browser | undefined;

  before(async () => {
    appCallback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>App callback</h1>'));
    await new Promise<void>((resolve) => appCallback.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(appCallback.address() as AddressInfo).port}/cb`;
    const app = express();
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kit = createGrantKit({
      clients: [{ id: 'acme', secret: 'acme-secret', callbackUris: [callback], consent: true, name: 'Acme Mail', iconUrl: ICON, accentColor: '#5b21b6' }],
      secretKeys: ['c'.repeat(40)],
      store: new MemoryStore(),
      providers: [sandboxProvider()],
      hostedOAuth: { publicUrl: base },
    });
    app.use(grantkit(kit).routes());
  });
  after(async () => {
    await browser?.close();
    server.closeAllConnections();
    server.close();
    appCallback.closeAllConnections();
    appCallback.close();
    await kit.close();
  });

  const authorize = (state: string): string =>
    `${base}/oauth/authorize?${new URLSearchParams({ client_id: 'acme', redirect_uri: callback, response_type: 'code', scopes: 'email.read_only', provider: 'sandbox', state })}`;

  it('shows the themed consent screen; Allow → the sandbox form → the callback with a code; Decline → access_denied', async (t) => {
    browser = await launchChromium(t);
    if (browser === undefined) return;
    const page = await browser.newPage();
    const violations = cspViolations(page);
    await page.route(ICON, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));

    await page.goto(authorize('consent-state'));
    await page.getByRole('heading', { name: 'Allow access to your account' }).waitFor();
    assert.equal((await page.locator('.app-name').textContent())?.trim(), 'Acme Mail');
    assert.ok(await page.getByText('Read messages, threads, attachments, drafts and metadata. No writes.').isVisible());
    // The icon loaded: the CSP's img-src names its origin.
    // Evaluated as source text: the tests compile without the DOM's types.
    assert.equal(await page.evaluate("(() => { const i = document.querySelector('img.app-icon'); return i.complete && i.naturalWidth; })()"), 1);
    const accent = await page.evaluate("getComputedStyle(document.querySelector('button[value=accept]')).backgroundColor");
    assert.equal(accent, 'rgb(91, 33, 182)');
    assert.ok(isRenderedPng(await page.screenshot()));

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Sign in with Sandbox' }).waitFor();
    assert.equal((await page.locator('.app-name').textContent())?.trim(), 'Acme Mail');
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByLabel('Password').fill('sandbox');
    await Promise.all([page.waitForURL(new RegExp(`^${callback}\\?`)), page.getByRole('button', { name: 'Sign in' }).click()]);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'consent-state');
    assert.ok((back.searchParams.get('code') ?? '').length > 20);

    await page.goto(authorize('declined-state'));
    await Promise.all([page.waitForURL(new RegExp(`^${callback}\\?`)), page.getByRole('button', { name: 'Decline' }).click()]);
    const declined = new URL(page.url());
    assert.equal(declined.searchParams.get('error'), 'access_denied');
    assert.equal(declined.searchParams.get('state'), 'declined-state');
    assert.deepEqual(violations, []);
  });
});
