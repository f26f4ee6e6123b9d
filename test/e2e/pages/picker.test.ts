import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEV_CLIENT_ID } from '../../../examples/shared/config.js';
import { isRenderedPng, launchChromium, startExampleWithOutput, type RunningExample } from './helpers.js';

/**
 * The provider picker (GET /v3/connect/auth without `provider`) in Chromium, on each example: it
 * lists the connectors the example configured (the sandbox always; Google and Microsoft when their
 * credentials are set), and following a link starts that provider's sign-in.
 */
const ENV = {
  GOOGLE_CLIENT_ID: 'picker-google-client.apps.example',
  GOOGLE_CLIENT_SECRET: 'picker-google-secret',
  MICROSOFT_CLIENT_ID: 'picker-microsoft-client',
  MICROSOFT_CLIENT_SECRET: 'picker-microsoft-secret',
};

for (const entry of ['examples/express/server.ts', 'examples/koa/server.ts', 'examples/decorators/server.ts']) {
  describe(`pages: the provider picker of ${entry}`, () => {
    let example: RunningExample;
    let browser: Browser | undefined;

    before(async () => {
      example = await startExampleWithOutput(entry, ENV);
    });
    after(async () => {
      await browser?.close();
      await example.stop();
    });

    function pickerUrl(): string {
      const q = new URLSearchParams({ client_id: DEV_CLIENT_ID, redirect_uri: `http://localhost:${example.port}/callback`, response_type: 'code' });
      return `http://localhost:${example.port}/v3/connect/auth?${q}`;
    }

    it('prints the redirect URIs to register for the real connectors, and no secret', () => {
      for (const p of ['google', 'microsoft']) {
        assert.ok(example.stdout.includes(`http://localhost:${example.port}/oauth/callback/${p}`), example.stdout);
      }
      for (const secret of [ENV.GOOGLE_CLIENT_SECRET, ENV.MICROSOFT_CLIENT_SECRET]) assert.ok(!example.output().includes(secret));
    });

    it('lists the configured providers; the sandbox link opens its login form, Google\'s goes to Google with the configured client', async (t) => {
      browser = await launchChromium(t);
      if (browser === undefined) return;
      const page = await browser.newPage();
      await page.goto(pickerUrl());
      await page.getByRole('heading', { name: 'Choose how to sign in' }).waitFor();
      const labels = (await page.getByRole('link').allTextContents()).map((s) => s.trim());
      assert.deepEqual(labels, ['Google', 'Microsoft', 'Single sign-on']);
      assert.ok(isRenderedPng(await page.screenshot()));

      // Google is not reachable from a test: answer for it, and look at what grantkit sent there.
      let google: URL | undefined;
      await page.route('https://accounts.google.com/**', async (route) => {
        google = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Google stand-in</title><h1>Google stand-in</h1>' });
      });
      await page.getByRole('link', { name: 'Google' }).click();
      await page.getByRole('heading', { name: 'Google stand-in' }).waitFor();
      assert.ok(google);
      assert.equal(google.searchParams.get('client_id'), ENV.GOOGLE_CLIENT_ID);
      assert.equal(google.searchParams.get('redirect_uri'), `http://localhost:${example.port}/oauth/callback/google`);
      assert.match(google.searchParams.get('scope') ?? '', /gmail\.readonly/);

      await page.goto(pickerUrl());
      await page.getByRole('link', { name: 'Single sign-on' }).click();
      await page.getByRole('heading', { name: 'Sandbox sign-in' }).waitFor();
      const sandbox = new URL(page.url());
      assert.equal(sandbox.hostname, '127.0.0.1');
      assert.equal(sandbox.searchParams.get('redirect_uri'), `http://localhost:${example.port}/oauth/callback/oauth2`);
      assert.equal(sandbox.searchParams.get('scope'), 'email.read_only calendar.read_only contacts.read_only');
      assert.ok(await page.getByLabel('Password').isVisible());
    });
  });
}
