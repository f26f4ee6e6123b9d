import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, DEV_SECRET_KEY } from '../../../examples/shared/config.js';
import { isRenderedPng, launchChromium, startExampleWithOutput, type RunningExample } from './helpers.js';

const run = promisify(execFile);

/**
 * The hosted sandbox flow in a real browser: `npm start`, open the sign-in URL it prints, sign in
 * at the sandbox provider's form (or grantkit's own sandbox form), land on the example's /callback
 * page, exchange the code shown there with the curl command shown there, and call a guarded demo
 * route with the access token.
 */
describe('pages: the hosted sandbox flow in Chromium, against `npm start`', () => {
  let example: RunningExample;
  let browser: Browser | undefined;
  let shots: string;

  before(async () => {
    example = await startExampleWithOutput('examples/express/server.ts');
    shots = await mkdtemp(join(tmpdir(), 'grantkit-pages-'));
  });
  after(async () => {
    await browser?.close();
    await example.stop();
    await rm(shots, { recursive: true, force: true });
  });

  /** The sandbox sign-in URL the server printed at start-up. */
  function printedUrl(provider?: string): string {
    const urls = [...example.stdout.matchAll(/(http:\/\/localhost:\d+\/v3\/connect\/auth\?\S+)/g)].map((m) => m[1]!);
    const url = urls.find((u) => new URL(u).searchParams.get('provider') === (provider ?? null));
    assert.ok(url, `no printed sign-in URL for ${provider ?? 'the picker'} in:\n${example.stdout}`);
    return url;
  }

  it('prints the URL to click, on the listening port, with the dev client and the /callback page', () => {
    const url = new URL(printedUrl('oauth2'));
    assert.equal(url.origin, `http://localhost:${example.port}`);
    assert.equal(url.searchParams.get('client_id'), DEV_CLIENT_ID);
    assert.equal(url.searchParams.get('redirect_uri'), `http://localhost:${example.port}/callback`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.match(example.stdout, /password "sandbox"/);
    for (const secret of [DEV_CLIENT_SECRET, DEV_SECRET_KEY]) assert.ok(!example.output().includes(secret), 'a secret was printed');
  });

  it('provider picker → sandbox login → /callback → code exchanged with the curl shown → a guarded demo route', async (t) => {
    browser = await launchChromium(t);
    if (browser === undefined) return;
    const page = await browser.newPage();

    // The provider picker renders and lists the sandbox.
    await page.goto(printedUrl());
    await page.getByRole('heading', { name: 'Choose how to sign in' }).waitFor();
    const pickerPng = await page.screenshot({ path: join(shots, 'picker.png'), fullPage: true });
    assert.ok(isRenderedPng(pickerPng));
    assert.ok(isRenderedPng(await readFile(join(shots, 'picker.png'))));

    // The printed URL, with a state full of HTML to see it come back escaped.
    const state = `<b id="x">it's "mine"</b>&`;
    await page.goto(`${printedUrl('oauth2')}&state=${encodeURIComponent(state)}`);
    await page.getByRole('heading', { name: 'Sandbox sign-in' }).waitFor();
    assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\/authorize\?/, 'the sandbox provider, on loopback');
    assert.ok(await page.getByText('password sandbox', { exact: false }).isVisible());
    const loginPng = await page.screenshot({ path: join(shots, 'login.png'), fullPage: true });
    assert.ok(isRenderedPng(loginPng));

    // A wrong password is refused on the form; the sandbox password signs in.
    await page.getByLabel('Email').fill('newcomer@example.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in and allow' }).click();
    await page.locator('p.err', { hasText: 'the password "sandbox"' }).waitFor();
    await page.getByLabel('Email').fill('newcomer@example.com');
    await page.getByLabel('Password').fill('sandbox');
    await Promise.all([
      page.waitForURL(new RegExp(`^http://localhost:${example.port}/callback\\?`)),
      page.getByRole('button', { name: 'Sign in and allow' }).click(),
    ]);

    // The example's /callback page shows the code and the state, escaped.
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    const code = (await page.locator('#code').textContent()) ?? '';
    assert.match(code, /^gk_code_/);
    assert.equal(await page.locator('#state').textContent(), state);
    assert.equal(await page.locator('#x').count(), 0, 'the state was not rendered as HTML');
    const curl = (await page.locator('#curl').textContent()) ?? '';
    const html = await page.content();
    for (const secret of [DEV_CLIENT_SECRET, DEV_SECRET_KEY]) assert.ok(!html.includes(secret), 'the page shows a secret');
    assert.ok(curl.includes(DEV_CLIENT_ID));

    // Exchange the code as the page says: its curl command, with the client secret in the shell.
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', curl], { env: { ...process.env, GRANTKIT_CLIENT_SECRET: DEV_CLIENT_SECRET } });
    const tokens = JSON.parse(stdout) as { access_token?: string; provider?: string; email?: string; scope?: string };
    assert.ok(tokens.access_token, stdout);
    assert.equal(tokens.provider, 'oauth2');
    assert.equal(tokens.email, 'newcomer@example.com');
    assert.equal(tokens.scope, 'email.read_only calendar.read_only contacts.read_only');

    // The token opens a guarded demo route, and the endpoint table still refuses what it lacks.
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const read = await fetch(`http://localhost:${example.port}/messages`, { headers: bearer });
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as { would: string }).would, 'read messages');
    const write = await fetch(`http://localhost:${example.port}/messages/1`, { method: 'PUT', headers: bearer });
    assert.equal(write.status, 403);
  });

  it("grantkit's own sandbox form (v3, the printed provider=sandbox URL) → /callback → the curl shown redeems the code", async (t) => {
    browser ??= await launchChromium(t);
    if (browser === undefined) return;
    const page = await browser.newPage();
    await page.goto(`${printedUrl('sandbox')}&state=form-state`);
    await page.getByRole('heading', { name: 'Sign in with Sandbox' }).waitFor();
    await page.getByLabel('Email address').fill('former@example.com');
    await page.getByLabel('Password').fill('sandbox');
    await Promise.all([page.waitForURL(new RegExp(`^http://localhost:${example.port}/callback\\?`)), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    assert.equal(await page.locator('#state').textContent(), 'form-state');
    const curl = (await page.locator('#curl').textContent()) ?? '';
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', curl], { env: { ...process.env, GRANTKIT_CLIENT_SECRET: DEV_CLIENT_SECRET } });
    const tokens = JSON.parse(stdout) as { provider?: string; email?: string };
    assert.equal(tokens.provider, 'sandbox', stdout);
    assert.equal(tokens.email, 'former@example.com');
  });
});
