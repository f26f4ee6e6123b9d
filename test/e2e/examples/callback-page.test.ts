import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createExampleApp as decoratorsApp } from '../../../examples/decorators/app.js';
import { createExampleApp as expressApp } from '../../../examples/express/app.js';
import { createExampleApp as koaApp } from '../../../examples/koa/app.js';
import { DEV_CLIENT_SECRET, exampleConfig, type ExampleConfig } from '../../../examples/shared/config.js';
import { hostedSettings } from '../../../examples/shared/hosted.js';
import { formOf, postForm } from '../../support/sign-in-forms.js';

/**
 * The examples' hosted settings and their demo /callback page (issue 4, item 10), in-process: the
 * same page on all three apps, every value from the URL escaped, no secret on it.
 */
const ENV = { GRANTKIT_PUBLIC_URL: 'https://auth.example.test/', GRANTKIT_CALLBACK_URIS: 'https://app.example.test/oauth, http://localhost:4000/callback' };

function apps(env: NodeJS.ProcessEnv): ReadonlyArray<readonly [string, RequestListener]> {
  const c = exampleConfig(env, () => undefined);
  return [
    ['express', expressApp(c.kit, c.clientId, c.hosted)],
    ['koa', koaApp(c.kit, c.clientId, c.hosted).callback()],
    ['decorators', decoratorsApp(c.kit, c.clientId, c.hosted)],
  ];
}

describe('examples: hosted settings from the environment', () => {
  it('defaults: http://localhost:<port>, its /callback (v3) and its /callback/v2', () => {
    assert.deepEqual(hostedSettings({}, 3000), {
      publicUrl: 'http://localhost:3000',
      callbackUris: ['http://localhost:3000/callback', 'http://localhost:3000/callback/v2'],
      demoCallback: 'http://localhost:3000/callback',
      demoV2Callback: 'http://localhost:3000/callback/v2',
    });
  });

  it('GRANTKIT_PUBLIC_URL (trailing slash dropped) and GRANTKIT_CALLBACK_URIS (comma-separated, trimmed); the demo uses the /callback one', () => {
    assert.deepEqual(hostedSettings(ENV, 4000), {
      publicUrl: 'https://auth.example.test',
      callbackUris: ['https://app.example.test/oauth', 'http://localhost:4000/callback'],
      demoCallback: 'http://localhost:4000/callback',
      // No /callback/v2 among them: the v2 sign-in comes back to /callback too.
      demoV2Callback: 'http://localhost:4000/callback',
    });
  });

  it('a plain-http callback URI off loopback stops the start', () => {
    assert.throws(() => exampleConfig({ GRANTKIT_CALLBACK_URIS: 'http://app.example.test/callback' }, () => undefined), /callbackUris\[0\]/);
  });
});

describe('examples: the demo /callback page', () => {
  it('shows code and state escaped, and the curl exchange without the secret, identically on every app', async () => {
    const state = `<script>alert(1)</script>'"&`;
    const pages: string[] = [];
    for (const [name, app] of apps(ENV)) {
      const res = await request(app).get('/callback').query({ code: 'gk_code_abc', state });
      assert.equal(res.status, 200, name);
      assert.match(res.headers['content-type'] ?? '', /^text\/html/, name);
      assert.match(res.headers['content-security-policy'] ?? '', /default-src 'none'/, name);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', name);
      assert.equal(res.headers['cache-control'], 'no-store', name);
      assert.ok(!res.text.includes('<script>'), name);
      assert.ok(res.text.includes('&#60;script&#62;alert(1)&#60;/script&#62;&#39;&#34;&#38;'), name);
      assert.ok(res.text.includes('https://auth.example.test/v3/connect/token'), name);
      assert.ok(res.text.includes('redirect_uri=http://localhost:4000/callback'), name);
      assert.ok(res.text.includes('$GRANTKIT_CLIENT_SECRET'), name);
      assert.ok(!res.text.includes(DEV_CLIENT_SECRET), name);
      pages.push(res.text);
    }
    assert.equal(new Set(pages).size, 1, 'the three apps serve the same page');
  });

  it('an error from the sign-in is shown, escaped; nothing at all is a 400 with a link to start', async () => {
    for (const [name, app] of apps({})) {
      const err = await request(app).get('/callback').query({ error: 'access_denied', error_description: '<i>no</i>' });
      assert.equal(err.status, 200, name);
      assert.match(err.text, /Sign-in did not complete/);
      assert.ok(err.text.includes('&#60;i&#62;no&#60;/i&#62;'), name);
      const none = await request(app).get('/callback');
      assert.equal(none.status, 400, name);
      assert.ok(none.text.includes('/v3/connect/auth?client_id='), name);
    }
  });
});

describe('examples: the demo /callback/v2 page redeems a v2 code at /oauth/token, as an app server does', () => {
  const builders: ReadonlyArray<readonly [string, (c: ExampleConfig) => RequestListener]> = [
    ['express', (c) => expressApp(c.kit, c.clientId, c.hosted, c.clientSecret)],
    ['koa', (c) => koaApp(c.kit, c.clientId, c.hosted, c.clientSecret).callback()],
    ['decorators', (c) => decoratorsApp(c.kit, c.clientId, c.hosted, c.clientSecret)],
  ];

  /** The example listening on loopback, its public URL naming the port, as `npm start` runs it. */
  async function listening(build: (c: ExampleConfig) => RequestListener): Promise<{ base: string; config: ExampleConfig; close(): Promise<void> }> {
    let app: RequestListener | undefined;
    const server = createServer((req, res) => app!(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = exampleConfig({}, () => undefined, undefined, (server.address() as AddressInfo).port);
    app = build(config);
    return {
      base: config.hosted.publicUrl,
      config,
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await config.kit.close();
      },
    };
  }

  for (const [name, build] of builders) {
    it(`${name}: a v2 code from the sandbox form is redeemed once; the page shows the account and the token's first characters only`, async () => {
      const { base, config, close } = await listening(build);
      try {
        assert.equal(config.hosted.demoV2Callback, `${base}/callback/v2`);
        const q = new URLSearchParams({ client_id: config.clientId, redirect_uri: config.hosted.demoV2Callback, response_type: 'code', provider: 'sandbox', state: '<v2>' });
        const form = formOf(await request(base).get(`/oauth/authorize?${q}`));
        const signedIn = await postForm(base, form, { email: 'ada@example.com', password: 'sandbox' });
        assert.equal(signedIn.status, 303, signedIn.text);
        const back = new URL(String(signedIn.headers['location']));
        assert.equal(back.pathname, '/callback/v2');

        const page = await request(base).get(back.pathname + back.search);
        assert.equal(page.status, 200);
        assert.match(page.headers['content-security-policy'] ?? '', /default-src 'none'/);
        assert.match(page.text, /<h1>Signed in<\/h1>/);
        assert.match(page.text, /<code id="email-address">ada@example\.com<\/code>/);
        assert.match(page.text, /<code id="provider">sandbox<\/code>/);
        assert.match(page.text, /<code id="state">&#60;v2&#62;<\/code>/);
        assert.match(page.text, /<code id="access-token">gk_at_[\w-]{6}…<\/code>/);
        assert.doesNotMatch(page.text, /gk_at_[\w-]{7}/, 'no more of the token than its first characters');
        assert.ok(!page.text.includes(config.clientSecret), 'the client secret is not on the page');

        // The code worked once: the page loaded again says so, and grantkit refused it.
        const again = await request(base).get(back.pathname + back.search);
        assert.match(again.text, /<h1>The code was not exchanged<\/h1>/);
        assert.match(again.text, /<code id="failure">400 /);
      } finally {
        await close();
      }
    });
  }

  it('an app built without the client secret shows the curl command for /oauth/token instead; an error and nothing are shown as on /callback', async () => {
    for (const [name, app] of apps(ENV)) {
      const res = await request(app).get('/callback/v2').query({ code: 'gk_code_abc', state: 's' });
      assert.equal(res.status, 200, name);
      const curl = /<pre id="curl">([\s\S]*?)<\/pre>/.exec(res.text)?.[1] ?? '';
      assert.match(curl, /https:\/\/auth\.example\.test\/oauth\/token/, name);
      assert.match(curl, /redirect_uri=http:\/\/localhost:4000\/callback/, name);
      assert.match(curl, /\$GRANTKIT_CLIENT_SECRET/, name);
      const err = await request(app).get('/callback/v2').query({ error: 'access_denied' });
      assert.match(err.text, /Sign-in did not complete/, name);
      assert.equal((await request(app).get('/callback/v2')).status, 400, name);
    }
  });
});
