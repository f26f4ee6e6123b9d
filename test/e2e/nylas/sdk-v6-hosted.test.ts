import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { after, before, describe, it } from 'node:test';
import Nylas from 'nylas6';
import { APP_CALLBACK, Browser } from '../../support/oauth-harness.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit } from '../../support/helpers.js';

/**
 * The official v2 SDK's hosted flow, unmodified: urlForAuthentication without a provider (so
 * grantkit asks for the address), the sandbox's credential form filled by the test's small
 * browser, then exchangeCodeForToken and account.get().
 */
describe('the official nylas v6 SDK drives the hosted flow through the sandbox form', () => {
  let server: Server;
  let base: string;
  let kit: ReturnType<typeof makeKit>['kit'];

  before(async () => {
    // Listening first: the public URL names the port.
    const outer = express();
    server = createServer(outer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kit = makeKit({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, callbackUris: [APP_CALLBACK] }], hostedOAuth: { publicUrl: base } }).kit;
    outer.use(makeApp(kit));
    Nylas.config({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiServer: base });
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await kit.close();
  });

  /** Posts the form of an HTML page with its hidden fields and `values`, through the browser (its cookies). */
  async function submit(browser: Browser, body: string, values: Record<string, string>): Promise<{ url: string; status: number; body: string }> {
    const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1];
    assert.ok(action, body.slice(0, 400));
    const fields = new URLSearchParams(values);
    for (const m of body.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)) fields.set(m[1]!, m[2]!);
    return browser.post(action, fields);
  }

  it('urlForAuthentication → email page → picker → sandbox form → exchangeCodeForToken → account.get()', async () => {
    const url = Nylas.urlForAuthentication({ redirectURI: APP_CALLBACK, loginHint: 'ada@example.org', scopes: ['email.read_only'] as never, state: 'sdk-state' });
    assert.match(url, /\/oauth\/authorize\?client_id=/);
    assert.doesNotMatch(url, /provider=/);
    const browser = new Browser();
    const email = await browser.run(url);
    assert.equal(email.status, 200);
    assert.match(email.body, /value="ada@example.org"/);
    const picker = await submit(browser, email.body, { email: 'ada@example.org' });
    const sandboxLink = /href="([^"]*provider=sandbox[^"]*)"/.exec(picker.body)?.[1];
    assert.ok(sandboxLink, picker.body.slice(0, 400));
    const form = await browser.run(sandboxLink.replaceAll('&#38;', '&'));
    assert.match(form.body, /Sign in with Sandbox/);
    const done = await submit(browser, form.body, { email: 'ada@example.org', password: 'sandbox' });
    const back = new URL(done.url);
    assert.equal(`${back.origin}${back.pathname}`, APP_CALLBACK);
    assert.equal(back.searchParams.get('state'), 'sdk-state');

    const token = await Nylas.exchangeCodeForToken(back.searchParams.get('code')!);
    assert.match(String(token.accessToken), /^gk_at_/);
    assert.equal(token.provider, 'sandbox');
    const account = await Nylas.with(token.accessToken!).account.get();
    assert.equal(account.emailAddress, 'ada@example.org');
    assert.equal(account.provider, 'sandbox');
  });
});
