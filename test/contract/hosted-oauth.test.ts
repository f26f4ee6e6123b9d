import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createGrantKit, type GrantKit } from '../../src/index.js';
import { sender, type Req, type Res, type Send } from './harness.js';
import { ROOT_MOUNTS } from './mounts.js';

/**
 * Hosted OAuth's routes on Express 4/5, Koa 2/3 and Nest: HTML pages, redirects, the OAuth token
 * endpoint and its CORS preflight answer alike on every mount. Nothing here reaches the
 * provider (its URL is a closed port); the full dances run in test/e2e/oauth on Express.
 */
const CLIENT = 'hosted-contract';
const SECRET = 'hosted-contract-secret';
const CALLBACK = 'http://localhost:9/cb';
const UPSTREAM = 'http://127.0.0.1:1';

async function hostedKit(): Promise<GrantKit> {
  const kit = createGrantKit({
    clients: [{ id: CLIENT, secret: SECRET, callbackUris: [CALLBACK] }],
    secretKeys: ['hosted-contract-key-of-at-least-32-characters'],
    providerEndpoints: { google: { authorizationUrl: `${UPSTREAM}/auth`, tokenUrl: `${UPSTREAM}/token`, userinfoUrl: `${UPSTREAM}/me` } },
    hostedOAuth: { publicUrl: 'https://auth.example', corsOrigins: ['https://spa.example'] },
  });
  await kit.connectors.create({ provider: 'google', clientId: 'g', clientSecret: 'g-secret', defaultScopes: ['openid'] });
  return kit;
}

const auth = (q: Record<string, string>): string =>
  `/v3/connect/auth?${new URLSearchParams({ client_id: CLIENT, redirect_uri: CALLBACK, response_type: 'code', ...q })}`;

interface HostedCase {
  readonly name: string;
  readonly req: Req | { method: 'OPTIONS'; path: string; headers?: Record<string, string> };
  readonly check: (res: Res) => void;
}

const CASES: readonly HostedCase[] = [
  {
    name: 'the provider picker is HTML, unframeable, without referrer',
    req: { method: 'GET', path: auth({}) },
    check(res) {
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.match(res.text, /provider=google/);
    },
  },
  {
    name: 'an unregistered callback URI is an error page, never a redirect',
    req: { method: 'GET', path: auth({ redirect_uri: 'http://localhost:9/cb/', provider: 'google' }) },
    check(res) {
      assert.equal(res.status, 400);
      assert.equal(res.headers['location'], undefined);
      assert.match(res.text, /grant\.callback_uri_not_allowed/);
    },
  },
  {
    name: 'a good request redirects to the provider with state and S256',
    req: { method: 'GET', path: auth({ provider: 'google', state: 'abc' }) },
    check(res) {
      assert.equal(res.status, 302);
      const to = new URL(String(res.headers['location']));
      assert.equal(`${to.origin}${to.pathname}`, `${UPSTREAM}/auth`);
      assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(to.searchParams.get('redirect_uri'), 'https://auth.example/oauth/callback/google');
      // The flow is bound to this browser by a cookie (an array on supertest: one Set-Cookie).
      assert.match(String(res.headers['set-cookie']), /^gk_flow_[\w-]+=[\w-]{43}; Path=\/oauth\/callback; Max-Age=900; HttpOnly; SameSite=Lax; Secure$/);
      assert.equal(res.text, '');
    },
  },
  {
    name: 'an unknown state at the callback is an error page',
    req: { method: 'GET', path: '/oauth/callback/google?code=c&state=gk_flow_unknown' },
    check(res) {
      assert.equal(res.status, 400);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    },
  },
  {
    name: 'the v3 token endpoint answers OAuth errors, uncached',
    req: { method: 'POST', path: '/v3/connect/token', body: { grant_type: 'authorization_code', client_id: CLIENT, client_secret: SECRET, code: 'gk_code_x', redirect_uri: CALLBACK } },
    check(res) {
      assert.equal(res.status, 400);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal((JSON.parse(res.text) as Record<string, unknown>)['error'], 'invalid_grant');
    },
  },
  {
    name: 'the CORS preflight answers configured origins',
    req: { method: 'OPTIONS', path: '/v3/connect/token', headers: { origin: 'https://spa.example', 'access-control-request-method': 'POST' } },
    check(res) {
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], 'https://spa.example');
    },
  },
  {
    name: 'the v2 token endpoint (GET) answers v2 errors',
    req: { method: 'GET', path: `/oauth/token?client_id=${CLIENT}&client_secret=${SECRET}&grant_type=authorization_code&code=gk_code_x` },
    check(res) {
      assert.equal(res.status, 400);
      assert.deepEqual(Object.keys(JSON.parse(res.text) as object).sort(), ['message', 'type']);
    },
  },
  {
    name: 'the JWKS is public JSON',
    req: { method: 'GET', path: '/.well-known/jwks.json' },
    check(res) {
      assert.equal(res.status, 200);
      const { keys } = JSON.parse(res.text) as { keys: Array<Record<string, unknown>> };
      assert.equal(keys.length, 1);
      assert.equal(keys[0]!['d'], undefined);
    },
  },
];

for (const mount of ROOT_MOUNTS) {
  describe(`hosted OAuth contract on ${mount.name}`, () => {
    let send: Send;
    before(async () => {
      send = sender(mount.build(await hostedKit()));
    });
    for (const c of CASES) it(c.name, async () => c.check(await send(c.req as Req)));
  });
}
