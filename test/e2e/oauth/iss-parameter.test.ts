import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sandboxProvider } from '../../../src/index.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, Browser, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';

/**
 * RFC 9207: every authorization response grantkit sends to a callback URI, a code, a token or an
 * error, v2 and v3, through an OAuth provider or grantkit's own forms, names the issuer in `iss`.
 * The issuer here is not the public URL, so the parameter is seen to be the issuer's.
 */
const ISSUER = 'https://id.example.test';
const CONSENT_ID = 'consenting-app';
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';

describe('RFC 9207: `iss` on every authorization response', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      issuer: ISSUER,
      providers: [sandboxProvider()],
      clients: [
        { id: APP_ID, secret: APP_SECRET, callbackUris: [APP_CALLBACK] },
        { id: CONSENT_ID, secret: APP_SECRET, callbackUris: [APP_CALLBACK], consent: true },
      ],
      hostedOAuth: { allowTokenResponse: true },
    });
  });
  after(() => h.close());

  const url = (path: string, params: Record<string, string>): string =>
    `${h.base}${path}?${new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', state: 'st', ...params })}`;

  /** Posts the form of a page with its hidden fields and `values`, in the browser that got it. */
  async function submit(browser: Browser, page: string, values: Record<string, string>): Promise<string> {
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    assert.ok(action, page.slice(0, 300));
    const fields = new URLSearchParams(values);
    for (const m of page.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)) fields.set(m[1]!, m[2]!);
    return (await browser.post(action, fields)).url;
  }

  const cases: ReadonlyArray<readonly [string, () => Promise<string>, 'code' | 'error' | 'token']> = [
    ['v3 code through an OAuth provider', async () => (await h.browser.run(url('/v3/connect/auth', { provider: 'google', scope: GMAIL_READ }))).url, 'code'],
    ['v3 error before the provider (response_type)', async () => (await h.browser.run(url('/v3/connect/auth', { response_type: 'token' }))).url, 'error'],
    [
      'v3 error from the provider (the user refuses)',
      async () => {
        h.google.user.refuse = true;
        try {
          return (await h.browser.run(url('/v3/connect/auth', { provider: 'google', scope: GMAIL_READ }))).url;
        } finally {
          h.google.user.refuse = false;
        }
      },
      'error',
    ],
    ['v2 code through an OAuth provider', async () => (await h.browser.run(url('/oauth/authorize', { provider: 'gmail', scopes: 'email.read_only' }))).url, 'code'],
    [
      'v2 error with redirect_on_error',
      async () => (await h.browser.run(url('/oauth/authorize', { provider: 'gmail', scopes: 'email.nope', redirect_on_error: 'true' }))).url,
      'error',
    ],
    ['v2 token in the fragment', async () => (await h.browser.run(url('/oauth/authorize', { provider: 'gmail', scopes: 'email.read_only', response_type: 'token' }))).url, 'token'],
    [
      "v3 code through grantkit's credential form",
      async () => {
        const browser = new Browser();
        const form = await browser.run(url('/v3/connect/auth', { provider: 'sandbox' }));
        return submit(browser, form.body, { email: 'iss@example.com', password: 'sandbox' });
      },
      'code',
    ],
    [
      'the consent screen declined',
      async () => {
        const browser = new Browser();
        const screen = await browser.run(url('/v3/connect/auth', { client_id: CONSENT_ID, provider: 'sandbox' }));
        return submit(browser, screen.body, { decision: 'decline' });
      },
      'error',
    ],
  ];

  for (const [name, respond, kind] of cases) {
    it(`${name}: iss is the issuer`, async () => {
      const to = new URL(await respond());
      assert.equal(`${to.origin}${to.pathname}`, APP_CALLBACK, to.href);
      const p = kind === 'token' ? new URLSearchParams(to.hash.slice(1)) : paramsOf(to.href);
      assert.ok(p.has(kind === 'token' ? 'access_token' : kind), to.href);
      assert.equal(p.get('state'), 'st');
      assert.equal(p.get('iss'), ISSUER);
    });
  }
});
