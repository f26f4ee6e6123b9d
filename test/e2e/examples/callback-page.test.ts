import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createExampleApp as decoratorsApp } from '../../../examples/decorators/app.js';
import { createExampleApp as expressApp } from '../../../examples/express/app.js';
import { createExampleApp as koaApp } from '../../../examples/koa/app.js';
import { DEV_CLIENT_SECRET, exampleConfig } from '../../../examples/shared/config.js';
import { hostedSettings } from '../../../examples/shared/hosted.js';

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
  it('defaults: http://localhost:<port> and its /callback', () => {
    assert.deepEqual(hostedSettings({}, 3000), {
      publicUrl: 'http://localhost:3000',
      callbackUris: ['http://localhost:3000/callback'],
      demoCallback: 'http://localhost:3000/callback',
    });
  });

  it('GRANTKIT_PUBLIC_URL (trailing slash dropped) and GRANTKIT_CALLBACK_URIS (comma-separated, trimmed); the demo uses the /callback one', () => {
    assert.deepEqual(hostedSettings(ENV, 4000), {
      publicUrl: 'https://auth.example.test',
      callbackUris: ['https://app.example.test/oauth', 'http://localhost:4000/callback'],
      demoCallback: 'http://localhost:4000/callback',
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
