import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { DEV_CLIENT_SECRET } from '../../../examples/shared/config.js';
import { DEV_IMAP_PASSWORD, DEV_IMAP_USER } from '../../../examples/shared/dev-imap.js';
import { catalogueOf, type Catalogue } from '../../../src/locales/index.js';
import { providerLabel } from '../../../src/oauth/credential-providers.js';
import { cspViolations, launchChromium, startExampleWithOutput, type RunningExample } from './helpers.js';

const run = promisify(execFile);

/**
 * The hosted IMAP sign-in clicked through as docs/hosted-oauth.md tells it, with no outside
 * account: `npm run imap` (an IMAP server on this machine) beside
 * `GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS=true npm start`. v3 through the printed IMAP URL to the
 * example's /callback page and the curl it shows; v2 in French through the email page and the
 * picker to the example's /callback/v2 page, which redeems the code.
 */
describe('pages: hosted IMAP against `npm run imap`, from `npm start`', () => {
  let imap: RunningExample;
  let example: RunningExample;
  let browser: Browser | undefined;

  before(async () => {
    imap = await startExampleWithOutput('examples/imap-server.ts', { IMAP_PORT: '0' }, /IMAP server listening on 127\.0\.0\.1:(\d+)/);
    example = await startExampleWithOutput('examples/express/server.ts', { GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS: 'true' });
  });
  after(async () => {
    await browser?.close();
    await example.stop();
    await imap.stop();
  });

  /** The form of the IMAP provider, filled in for the IMAP server of `npm run imap`; `t` is the browser's language. */
  async function fillImapForm(page: Page, t: Catalogue, password: string): Promise<void> {
    const w = t.credentials;
    await page.getByRole('heading', { name: w.title(providerLabel('imap', t)) }).waitFor();
    await page.getByLabel(w.email, { exact: true }).fill(DEV_IMAP_USER);
    await page.getByLabel(w.password, { exact: true }).fill(password);
    await page.getByLabel(w.server, { exact: true }).fill('127.0.0.1');
    await page.getByLabel(w.port, { exact: true }).fill(String(imap.port));
    await page.getByLabel(w.security, { exact: true }).selectOption('none');
    await page.getByRole('button', { name: w.submit }).click();
  }

  it('says how: the IMAP server prints its account and the example its IMAP URL', () => {
    assert.ok(imap.stdout.includes(`sign in as ${DEV_IMAP_USER} with the password "${DEV_IMAP_PASSWORD}"`), imap.stdout);
    assert.match(example.stdout, /GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS=true\): `npm run imap` starts one/);
    assert.match(example.stdout, /IMAP form \(v3\): http:\/\/localhost:\d+\/v3\/connect\/auth\?\S*provider=imap/);
  });

  it('v3: the printed IMAP URL → the form → /callback → the curl it shows redeems the code → a guarded read', async (t) => {
    browser = await launchChromium(t);
    if (browser === undefined) return;
    const page = await browser.newPage();
    const blocked = cspViolations(page);
    const url = /IMAP form \(v3\): (\S+)/.exec(example.stdout)?.[1];
    assert.ok(url, example.stdout);
    await page.goto(`${url}&state=imap-v3`);
    await Promise.all([page.waitForURL(`http://localhost:${example.port}/callback?**`), fillImapForm(page, catalogueOf('en'), DEV_IMAP_PASSWORD)]);
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    assert.equal(await page.locator('#state').textContent(), 'imap-v3');
    const curl = (await page.locator('#curl').textContent()) ?? '';
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', curl], { env: { ...process.env, GRANTKIT_CLIENT_SECRET: DEV_CLIENT_SECRET } });
    const tokens = JSON.parse(stdout) as { access_token?: string; provider?: string; email?: string };
    assert.equal(tokens.provider, 'imap', stdout);
    assert.equal(tokens.email, DEV_IMAP_USER);
    const read = await fetch(`http://localhost:${example.port}/messages`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(read.status, 200);
    assert.deepEqual(blocked, []);
  });

  it('v2, in French: email page → picker → IMAP form, a wrong password, then /callback/v2 redeems the code', async (t) => {
    browser ??= await launchChromium(t);
    if (browser === undefined) return;
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const blocked = cspViolations(page);
    const fr = catalogueOf('fr');
    const url = /(http:\/\/localhost:\d+\/oauth\/authorize\?\S+)/.exec(example.stdout)?.[1];
    assert.ok(url, example.stdout);
    await page.goto(`${url}&state=imap-v2`);
    await page.getByRole('heading', { name: fr.email.title, exact: true }).waitFor();
    await page.getByLabel(fr.email.label).fill(DEV_IMAP_USER);
    await page.getByRole('button', { name: fr.email.submit }).click();
    await page.getByRole('heading', { name: fr.picker.title }).waitFor();
    await page.getByRole('link', { name: providerLabel('imap', fr) }).click();
    await fillImapForm(page, fr, 'not-the-password');
    await page.getByRole('alert').filter({ hasText: fr.messages.wrongCredentials }).waitFor();
    await Promise.all([page.waitForURL(`http://localhost:${example.port}/callback/v2?**`), fillImapForm(page, fr, DEV_IMAP_PASSWORD)]);
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    assert.equal(await page.locator('#provider').textContent(), 'imap');
    assert.equal(await page.locator('#email-address').textContent(), DEV_IMAP_USER);
    assert.equal(await page.locator('#state').textContent(), 'imap-v2');
    assert.match((await page.locator('#access-token').textContent()) ?? '', /^gk_at_[\w-]{6}…$/);
    assert.deepEqual(blocked, []);
    await context.close();
  });
});
