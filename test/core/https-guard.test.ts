import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { grantkit as expressKit } from '../../adapters/express/index.js';
import { grantkit as koaKit } from '../../adapters/koa/index.js';
import { makeApp, makeKit, nativeToken } from '../support/helpers.js';

/**
 * The HTTPS rule on the app's own v3 routes needs the connection: both adapters hand the core
 * the framework's own verdict, so a guard behind a TLS proxy the app trusts (Express
 * `trust proxy`, Koa `app.proxy`) passes and plain HTTP through it is refused.
 */
describe('guards on v3 paths under requireHttps', () => {
  const { kit } = makeKit({ requireHttps: true });
  const issuer = makeApp(kit);

  const expressApp = (): express.Express => {
    const app = express();
    app.set('trust proxy', true);
    app.get('/v3/grants/:grant/messages', expressKit(kit).requireScopes('email.read_only'), (req, res) => {
      res.json({ grant: req.grant?.id });
    });
    return app;
  };
  const koaApp = (): ReturnType<Koa['callback']> => {
    const app = new Koa();
    app.proxy = true;
    const gk = koaKit(kit);
    app.use(gk.requireScopes('email.read_only'));
    app.use((ctx) => {
      ctx.body = { grant: ctx.state.grant?.id };
    });
    return app.callback();
  };

  for (const [name, make] of [['express', expressApp], ['koa', koaApp]] as const) {
    it(`${name}: https through the proxy passes, http is refused`, async () => {
      const { token, accountId } = await nativeToken(issuer, { email: `${name}@example.com` });
      const app = make();
      const ok = await request(app)
        .get('/v3/grants/me/messages')
        .set('authorization', `Bearer ${token}`)
        .set('x-forwarded-proto', 'https');
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body, { grant: accountId });
      const plain = await request(app)
        .get('/v3/grants/me/messages')
        .set('authorization', `Bearer ${token}`)
        .set('x-forwarded-proto', 'http');
      assert.equal(plain.status, 400);
      assert.equal(plain.body.error.type, 'invalid_request_error');
      assert.match(plain.body.error.message, /HTTPS is required/);
    });
  }
});
