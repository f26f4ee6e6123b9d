import assert from 'node:assert/strict';
import { readFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { AxeResults, RunOptions } from 'axe-core';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { grantkit } from '../../../adapters/express/index.js';
import { createGrantKit, imapProvider, MemoryStore, passwordProvider, sandboxProvider, type GrantKit } from '../../../src/index.js';
import { catalogueOf, LOCALES, type Catalogue, type Locale } from '../../../src/locales/index.js';
import { providerLabel } from '../../../src/oauth/credential-providers.js';
import { isRenderedPng, launchChromium } from './helpers.js';

/**
 * Every page of hosted sign-in in Chromium, under its own CSP, in each locale (the browser's
 * language, sent as Accept-Language): an axe-core audit against WCAG 2.1 A and AA, and a
 * screenshot on a desktop and a phone viewport, written to
 * test-results/screenshots/<page>-<locale>-<viewport>.png at the repository root
 * (docs/hosted-oauth.md lists them). axe's source is evaluated through the DevTools protocol,
 * which the page's CSP does not govern, so the audit runs under the same headers a user's
 * browser gets.
 */
const SHOTS = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
/**
 * WCAG 2.1 A and AA, and the landmark and heading rules of axe's best practices on top, so that
 * what a screen reader jumps between (one main landmark, one top heading) stays as it is.
 */
const AUDIT: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  rules: { 'landmark-one-main': { enabled: true }, region: { enabled: true }, 'page-has-heading-one': { enabled: true } },
};
/** Rules every page has something for: an audit that did not pass them did not look at the page. */
const ALWAYS_CHECKED = ['html-has-lang', 'document-title', 'color-contrast', 'landmark-one-main', 'page-has-heading-one'];
const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const CLIENT = 'pages-app';

/** One finding, as much of it as a failure message needs. */
interface Violation {
  readonly id: string;
  readonly impact: string | null | undefined;
  readonly help: string;
  readonly targets: string[];
}

/** Runs axe in the page: its violations, and the rules that passed. */
async function audit(page: Page): Promise<{ violations: Violation[]; passed: string[] }> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(await AXE_SOURCE);
  return page.evaluate(async (options) => {
    // The page's global, typed here without the DOM library; with no context given, axe audits the whole document.
    const { axe } = globalThis as unknown as { axe: { run(o: RunOptions): Promise<AxeResults> } };
    const r = await axe.run(options);
    return {
      passed: r.passes.map((v) => v.id),
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })),
    };
  }, AUDIT);
}

/** Audits the page and writes its screenshot at each viewport; `name` is `<page>-<locale>`. */
async function auditAndShoot(page: Page, name: string): Promise<void> {
  for (const [viewport, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    const { violations, passed } = await audit(page);
    assert.deepEqual(violations, [], `${name} on a ${viewport}: ${JSON.stringify(violations, null, 2)}`);
    const unchecked = ALWAYS_CHECKED.filter((rule) => !passed.includes(rule));
    assert.deepEqual(unchecked, [], `${name} on a ${viewport}: axe did not pass ${unchecked.join(', ')}`);
    assert.ok(isRenderedPng(await page.screenshot({ path: `${SHOTS}${name}-${viewport}.png`, fullPage: true })));
  }
}

const THEMED = 'pages-themed-app';
const CONSENT = 'pages-consent-app';
/** The language each locale's browser sends: its region first, then the language alone. */
const BROWSER_LOCALE: Readonly<Record<Locale, string>> = { en: 'en-GB', fr: 'fr-FR', de: 'de-DE' };

describe('pages: an accessibility audit and screenshots of every hosted sign-in page, in every locale', () => {
  let callback: string;
  let appCallback: Server;
  let kit: GrantKit;
  let server: Server;
  let base: string;
  let browser: Browser | undefined;

  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    appCallback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>App callback</h1>'));
    await new Promise<void>((resolve) => appCallback.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(appCallback.address() as AddressInfo).port}/callback`;
    const app = express();
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Google's endpoints point nowhere: the picker lists it, and no test follows the link.
    const nowhere = 'http://127.0.0.1:1';
    kit = createGrantKit({
      clients: [
        { id: CLIENT, secret: 'pages-app-secret', callbackUris: [callback] },
        // The consent screen and an error page, in a client's theme.
        { id: THEMED, secret: 'pages-themed-secret', callbackUris: [callback], consent: true, name: 'Acme Mail', accentColor: '#1a73e8' },
        // The consent screen of a client without a theme.
        { id: CONSENT, secret: 'pages-consent-secret', callbackUris: [callback], consent: true },
      ],
      secretKeys: ['p'.repeat(40)],
      store: new MemoryStore(),
      providers: [sandboxProvider(), imapProvider(), passwordProvider('yahoo'), passwordProvider('icloud')],
      providerEndpoints: { google: { authorizationUrl: `${nowhere}/auth`, tokenUrl: `${nowhere}/token`, userinfoUrl: `${nowhere}/me` } },
      hostedOAuth: { publicUrl: base },
      // One wrong password shows the form again; the next post is the 429 page.
      rateLimits: { loginPerAddressAndIp: { limit: 1, windowSeconds: 600 } },
    });
    await kit.connectors.create({ provider: 'google', clientId: 'g', clientSecret: 'g-secret', defaultScopes: ['openid'] });
    for (const provider of ['imap', 'icloud']) await kit.connectors.create({ provider, defaultScopes: ['email.read_only'] });
    app.use(grantkit(kit).routes());
  });
  after(async () => {
    await browser?.close();
    server.closeAllConnections();
    server.close();
    await kit.close();
    appCallback.closeAllConnections();
    appCallback.close();
  });

  const v2 = (q: Record<string, string> = {}): string =>
    `${base}/oauth/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: callback, response_type: 'code', scopes: 'email.read_only', state: 's', ...q })}`;
  const v3 = (q: Record<string, string> = {}): string =>
    `${base}/v3/connect/auth?${new URLSearchParams({ client_id: CLIENT, redirect_uri: callback, response_type: 'code', state: 's', ...q })}`;

  /** A browser whose language is the locale's, or undefined when the test was skipped for want of Chromium. */
  async function contextFor(t: TestContext, locale: Locale): Promise<BrowserContext | undefined> {
    browser ??= await launchChromium(t);
    return browser?.newContext({ locale: BROWSER_LOCALE[locale] });
  }

  /** Each page reached by a plain visit, with the heading (in the locale's words) that shows it is the page meant. */
  const visits: ReadonlyArray<readonly [name: string, url: () => string, heading: (t: Catalogue) => string]> = [
    ['email-v2', () => v2({ login_hint: 'ada@example.com' }), (t) => t.email.title],
    ['email-v3', () => v3({ prompt: 'detect' }), (t) => t.email.title],
    ['picker', () => v3(), (t) => t.picker.title],
    ['picker-with-email', () => v3({ prompt: 'select_provider,detect' }), (t) => t.picker.title],
    ['credentials-sandbox', () => v3({ provider: 'sandbox' }), (t) => t.credentials.title(providerLabel('sandbox', t))],
    ['credentials-imap', () => v3({ provider: 'imap', login_hint: 'ada@aol.com' }), (t) => t.credentials.title(providerLabel('imap', t))],
    ['credentials-yahoo', () => v3({ provider: 'yahoo', login_hint: 'ada@yahoo.com' }), (t) => t.credentials.title('Yahoo')],
    ['credentials-icloud', () => v3({ provider: 'icloud' }), (t) => t.credentials.title('iCloud')],
    ['consent', () => v3({ client_id: CONSENT, provider: 'google', scope: 'https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/calendar.readonly' }), (t) => t.consent.title],
    ['consent-themed', () => v3({ client_id: THEMED, provider: 'sandbox', scope: 'email.read_only' }), (t) => t.consent.title],
    ['error', () => v3({ redirect_uri: 'https://not-registered.example/cb' }), (t) => t.errorPage.title],
    // An error once the app's callback is known good: in the app's theme, with a way back to it.
    ['error-themed', () => v2({ client_id: THEMED, provider: 'exchange' }), (t) => t.errorPage.title],
  ];

  for (const locale of LOCALES) {
    const t = catalogueOf(locale);
    for (const [name, url, heading] of visits) {
      it(`${name} (${locale}): no WCAG 2.1 A or AA violation, on a desktop and a phone`, async (tc) => {
        const context = await contextFor(tc, locale);
        if (context === undefined) return;
        const page = await context.newPage();
        await page.goto(url());
        await page.getByRole('heading', { name: heading(t), exact: true }).waitFor();
        assert.equal(await page.getAttribute('html', 'lang'), locale);
        await auditAndShoot(page, `${name}-${locale}`);
        await context.close();
      });
    }

    it(`a wrong password, then the 429 page (${locale}): no WCAG 2.1 A or AA violation, on a desktop and a phone`, async (tc) => {
      const context = await contextFor(tc, locale);
      if (context === undefined) return;
      const page = await context.newPage();
      const attempt = async (): Promise<void> => {
        // An address of each locale's own: the limit counts per address.
        await page.getByLabel(t.credentials.email, { exact: true }).fill(`grace-${locale}@example.com`);
        await page.getByLabel(t.credentials.password, { exact: true }).fill('not-the-sandbox-password');
        await page.getByRole('button', { name: t.credentials.submit }).click();
      };
      await page.goto(v3({ provider: 'sandbox' }));
      await attempt();
      await page.getByRole('alert').filter({ hasText: t.messages.wrongCredentials }).waitFor();
      await auditAndShoot(page, `credentials-wrong-password-${locale}`);
      await attempt();
      await page.getByRole('heading', { name: t.rateLimited.title }).waitFor();
      await auditAndShoot(page, `rate-limited-${locale}`);
      await context.close();
    });
  }
});
