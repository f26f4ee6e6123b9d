import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createServer, type RequestListener } from 'node:http';
import { before, describe, it } from 'node:test';
import Router from '@koa/router';
import express from 'express5';
import Koa from 'koa3';
import type { Middleware } from 'koa';
import request from 'supertest';
import { grantkit as expressGrantkit } from '../../../adapters/express/index.js';
import { grantkit as koaGrantkit } from '../../../adapters/koa/index.js';
import type { GrantKit } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit, nativeToken } from '../../support/helpers.js';

/**
 * Where a caller's token may travel (RFC 6750 §2): one Authorization header on bearer-protected
 * requests; on revoke and token info the token in the query or body is the call's subject and
 * stays accepted. And HTTPS is what the framework says it is, not a second reading of
 * X-Forwarded-Proto.
 */

const warnings: Error[] = [];
process.on('warning', (w) => warnings.push(w));

const API_KEY = 'placement-tests-api-key-0123456789';
const CHALLENGE = 'Bearer realm="grantkit", error="invalid_request"';

/** Koa has no body parser installed here; this is the app's own, as koa-bodyparser would leave it. */
const jsonBody: Middleware = async (ctx, next) => {
  const chunks: Buffer[] = [];
  for await (const c of ctx.req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  (ctx.request as { body?: unknown }).body = text === '' ? undefined : (JSON.parse(text) as unknown);
  await next();
};

function expressApp(kit: GrantKit): RequestListener {
  const gk = expressGrantkit(kit);
  const app = express();
  app.use(express.json());
  app.use(gk.routes());
  app.get('/messages', gk.requireScopes('email.read_only'), (req, res) => res.json({ grant_id: req.grant?.id }));
  app.post('/notes', gk.requireScopes('email.read_only'), (req, res) => res.json({ grant_id: req.grant?.id }));
  app.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), (req, res) => res.json({ grant_id: req.grant?.id }));
  app.get('/open', gk.resolve(), gk.requireScopes('email.read_only'), (req, res) => res.json({ grant_id: req.grant?.id }));
  app.use(gk.gate());
  app.get('/threads', (req, res) => res.json({ grant_id: req.grant?.id }));
  return app as unknown as RequestListener;
}

function koaApp(kit: GrantKit): RequestListener {
  const gk = koaGrantkit(kit);
  const app = new Koa();
  app.use(gk.routes());
  app.use(jsonBody);
  const router = new Router();
  const who: Middleware = (ctx) => {
    ctx.body = { grant_id: ctx.state.grant?.id };
  };
  router.get('/messages', gk.requireScopes('email.read_only'), who);
  router.post('/notes', gk.requireScopes('email.read_only'), who);
  router.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), who);
  router.get('/open', gk.resolve(), gk.requireScopes('email.read_only'), who);
  app.use(router.routes());
  app.use(gk.gate());
  const after = new Router();
  after.get('/threads', who);
  app.use(after.routes());
  return app.callback();
}

/** Sends a request with the header lines given, as they are, over a raw socket: supertest cannot repeat a header. */
async function raw(app: RequestListener, lines: readonly string[]): Promise<{ status: number; text: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.end(`${lines.join('\r\n')}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    const chunks: Buffer[] = [];
    for await (const c of socket) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return { status: Number(text.split(' ')[1]), text };
  } finally {
    server.close();
  }
}

describe('a token in more than one place on bearer-protected requests', () => {
  const { kit } = makeKit();
  const issuer = makeApp(kit);
  let token: string;
  let accountId: string;
  before(async () => {
    ({ token, accountId } = await nativeToken(issuer, { email: 'placement@example.com', scopes: 'email.read_only' }));
    await kit.apiKeys.import(API_KEY, { label: 'placement' });
  });

  for (const [name, make] of [['express', expressApp], ['koa', koaApp]] as const) {
    it(`${name}: a token in the header and in the query is a 400 invalid_request on guards, resolve() and gate()`, async () => {
      const app = make(kit);
      const auth = { authorization: `Bearer ${token}` };
      for (const path of ['/messages', '/open', '/threads', '/Threads/']) {
        const res = await request(app).get(`${path}?access_token=${token}`).set(auth);
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.deepEqual(res.body, { message: 'Send the access token in the Authorization header only, not also in the query or body.', type: 'invalid_request_error' });
        assert.equal(res.headers['www-authenticate'], CHALLENGE);
        assert.equal(res.text.includes(token), false, 'the token is never echoed');
      }
      // Percent-encoded parameter names are the same parameter.
      assert.equal((await request(app).get(`/messages?access%5Ftoken=x`).set(auth)).status, 400);
      const v3 = await request(app).get(`/v3/grants/me/messages?x=1&access_token=${token}`).set(auth);
      assert.equal(v3.status, 400);
      assert.equal(v3.body.error.type, 'invalid_request_error');
      // The header alone still passes.
      assert.equal((await request(app).get('/messages?other=1').set(auth)).status, 200);
    });

    it(`${name}: a token in the header and in a parsed body is a 400 invalid_request`, async () => {
      const app = make(kit);
      const res = await request(app).post('/notes').set('authorization', `Bearer ${token}`).send({ access_token: token, note: 'x' });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.headers['www-authenticate'], CHALLENGE);
      const fine = await request(app).post('/notes').set('authorization', `Bearer ${token}`).send({ note: 'x' });
      assert.equal(fine.status, 200, fine.text);
    });

    it(`${name}: two Authorization headers are a 400, on a guard and on /account`, async () => {
      const app = make(kit);
      for (const path of ['/messages', '/account']) {
        const res = await raw(app, [`GET ${path} HTTP/1.1`, `Authorization: Bearer ${token}`, 'Authorization: Bearer someone-else']);
        assert.equal(res.status, 400, res.text);
        assert.match(res.text, /Send one Authorization header/);
      }
      const one = await raw(app, ['GET /messages HTTP/1.1', `Authorization: Bearer ${token}`]);
      assert.equal(one.status, 200, one.text);
    });

    it(`${name}: /account and /v3/grants/* refuse a token in the header and also in the query or body`, async () => {
      const app = make(kit);
      const account = await request(app).get(`/account?access_token=${token}`).set('authorization', `Bearer ${token}`);
      assert.equal(account.status, 400, account.text);
      assert.equal(account.body.type, 'invalid_request_error');
      const me = await request(app).get(`/v3/grants/me?access_token=${token}`).set('authorization', `Bearer ${token}`);
      assert.equal(me.status, 400, me.text);
      assert.equal(me.body.error.type, 'invalid_request_error');
      const patch = await request(app)
        .patch(`/v3/grants/${accountId}`)
        .set('authorization', `Bearer ${API_KEY}`)
        .send({ scope: ['email.read_only'], access_token: token });
      assert.equal(patch.status, 400, patch.text);
      assert.equal((await request(app).get('/account').set('authorization', `Bearer ${token}`)).status, 200);
    });

    it(`${name}: revoke, tokeninfo and token-info still take the token in the query or body, as the SDKs send it`, async () => {
      const app = make(kit);
      const { token: subject } = await nativeToken(issuer, { email: `subject-${name}@example.com`, scopes: 'email.read_only' });
      const secret = { authorization: `Basic ${Buffer.from(`${CLIENT_SECRET}:`).toString('base64')}` };
      const info = await request(app).post(`/a/${CLIENT_ID}/accounts/${accountId}/token-info`).set(secret).send({ access_token: token });
      assert.equal(info.status, 200, info.text);
      const tokeninfo = await request(app).get(`/v3/connect/tokeninfo?access_token=${subject}`).set('authorization', `Bearer ${API_KEY}`);
      assert.equal(tokeninfo.status, 200, tokeninfo.text);
      const revoke = await request(app).post(`/v3/connect/revoke?token=${subject}`).set('authorization', `Bearer ${API_KEY}`);
      assert.equal(revoke.status, 200, revoke.text);
    });
  }
});

describe("HTTPS is the framework's verdict", () => {
  it('X-Forwarded-Proto counts only under Express `trust proxy` and Koa `app.proxy`, whatever trustProxy says', async () => {
    const { kit } = makeKit({ requireHttps: true, trustProxy: true });
    const { token } = await nativeToken(makeApp(kit), { email: 'proto@example.com', scopes: 'email.read_only' });
    const build = (trusted: boolean): RequestListener[] => {
      const ex = express();
      if (trusted) ex.set('trust proxy', true);
      ex.get('/v3/grants/:grant/messages', expressGrantkit(kit).requireScopes('email.read_only'), (req, res) => res.json({ grant_id: req.grant?.id }));
      const ko = new Koa();
      ko.proxy = trusted;
      ko.use(koaGrantkit(kit).requireScopes('email.read_only'));
      ko.use((ctx) => {
        ctx.body = { grant_id: ctx.state.grant?.id };
      });
      return [ex as unknown as RequestListener, ko.callback()];
    };
    const get = (app: RequestListener, proto: string) =>
      request(app).get('/v3/grants/me/messages').set('authorization', `Bearer ${token}`).set('x-forwarded-proto', proto);
    for (const app of build(false)) {
      // The app trusts no proxy: the header is anyone's to write, so it proves nothing.
      assert.equal((await get(app, 'https')).status, 400);
    }
    for (const app of build(true)) {
      assert.equal((await get(app, 'https')).status, 200);
      // Behind a local proxy the client is loopback; plain HTTP through it is still refused.
      const plain = await get(app, 'http');
      assert.equal(plain.status, 400);
      assert.match(plain.body.error.message, /HTTPS is required/);
    }
  });

  it('the trustProxy option is deprecated: one warning per process, saying what to set instead', async () => {
    makeKit({ trustProxy: true });
    makeKit({ trustProxy: false });
    await new Promise((resolve) => setImmediate(resolve));
    const ours = warnings.filter((w) => (w as { code?: string }).code === 'GRANTKIT_TRUST_PROXY');
    assert.equal(ours.length, 1);
    assert.equal(ours[0]!.name, 'DeprecationWarning');
    assert.match(ours[0]!.message, /trust proxy/);
    assert.match(ours[0]!.message, /app\.proxy/);
  });
});
