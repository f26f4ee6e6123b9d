import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { before, describe, it } from 'node:test';
import Router from '@koa/router';
import express4 from 'express4';
import express5 from 'express5';
import type { Middleware } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import request from 'supertest';
import { grantkit as expressGrantkit, type ExpressAdapterOptions } from '../../../adapters/express/index.js';
import { grantkit as koaGrantkit } from '../../../adapters/koa/index.js';
import type { GrantKit } from '../../../src/index.js';
import { mount } from '../../contract/koa-mount.js';
import { makeApp, makeKit, nativeToken } from '../../support/helpers.js';

/**
 * Under any mount, an access token never reaches a handler for another grant's path. The guard
 * reads the grant from the route's parameter and from the full request target, whatever prefix
 * the app mounted its router under, and refuses (403) when it cannot tell which grant is named.
 */

const API_KEY = 'mount-tests-api-key-0123456789';

interface Layout {
  readonly name: string;
  /** The path the client sends for a grant's messages. */
  readonly path: (grant: string) => string;
  build(kit: GrantKit, reached: string[]): RequestListener;
}

const seen = (reached: string[], grant: string | undefined): void => {
  reached.push(grant ?? '-');
};

function expressLayouts(label: string, express: typeof express5): Layout[] {
  const handler = (reached: string[]) => (req: express5.Request, res: express5.Response) => {
    seen(reached, req.grant?.id);
    res.json({ grant_id: req.grant?.id ?? null });
  };
  return [
    {
      name: `${label}: app.use('/nylas', router) with the guard on the route`,
      path: (g) => `/nylas/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = expressGrantkit(kit);
        const app = express();
        const router = express.Router();
        router.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), handler(reached));
        app.use('/nylas', router);
        return app as unknown as RequestListener;
      },
    },
    {
      name: `${label}: app.use('/v3', router) with router.get('/grants/:grant/messages')`,
      path: (g) => `/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = expressGrantkit(kit);
        const app = express();
        const router = express.Router();
        router.get('/grants/:grant/messages', gk.requireScopes('email.read_only'), handler(reached));
        app.use('/v3', router);
        return app as unknown as RequestListener;
      },
    },
    {
      name: `${label}: nested routers under a prefix, gate() in the inner one`,
      path: (g) => `/nylas/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = expressGrantkit(kit);
        const app = express();
        const outer = express.Router();
        const inner = express.Router();
        inner.use(gk.gate());
        inner.get('/grants/:grant/messages', handler(reached));
        outer.use('/v3', inner);
        app.use('/nylas', outer);
        return app as unknown as RequestListener;
      },
    },
    {
      name: `${label}: an app-wide guard in front of a prefixed router`,
      path: (g) => `/nylas/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = expressGrantkit(kit);
        const app = express();
        app.use(gk.requireScopes('email.read_only'));
        const router = express.Router();
        router.get('/v3/grants/:grant/messages', handler(reached));
        app.use('/nylas', router);
        return app as unknown as RequestListener;
      },
    },
  ];
}

function koaLayouts(label: string, Koa: typeof Koa3): Layout[] {
  const handler = (reached: string[]): Middleware => (ctx) => {
    seen(reached, ctx.state.grant?.id);
    ctx.body = { grant_id: ctx.state.grant?.id ?? null };
  };
  return [
    {
      name: `${label}: @koa/router with prefix '/nylas'`,
      path: (g) => `/nylas/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = koaGrantkit(kit);
        const app = new Koa();
        const router = new Router({ prefix: '/nylas' });
        router.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), handler(reached));
        app.use(router.routes());
        return app.callback();
      },
    },
    {
      name: `${label}: nested @koa/router, router.use('/v3', inner.routes()) with inner.get('/grants/:grant/messages')`,
      path: (g) => `/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = koaGrantkit(kit);
        const app = new Koa();
        const outer = new Router();
        const inner = new Router();
        inner.get('/grants/:grant/messages', gk.requireScopes('email.read_only'), handler(reached));
        outer.use('/v3', inner.routes());
        app.use(outer.routes());
        return app.callback();
      },
    },
    {
      name: `${label}: koa-mount('/nylas', app) with an app-wide guard inside`,
      path: (g) => `/nylas/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = koaGrantkit(kit);
        const inner = new Koa();
        inner.use(gk.requireScopes('email.read_only'));
        inner.use(handler(reached));
        const app = new Koa();
        app.use(mount('/nylas', inner));
        return app.callback();
      },
    },
    {
      name: `${label}: koa-mount('/nylas', app) with gate() inside`,
      path: (g) => `/nylas/v3/grants/${g}/messages`,
      build(kit, reached) {
        const gk = koaGrantkit(kit);
        const inner = new Koa();
        inner.use(gk.gate());
        const router = new Router();
        router.get('/v3/grants/:grant/messages', handler(reached));
        inner.use(router.routes());
        const app = new Koa();
        app.use(mount('/nylas', inner));
        return app.callback();
      },
    },
  ];
}

const LAYOUTS: readonly Layout[] = [
  ...expressLayouts('express4', express4 as typeof express5),
  ...expressLayouts('express5', express5),
  ...koaLayouts('koa2', Koa2 as typeof Koa3),
  ...koaLayouts('koa3', Koa3),
];

describe('grant ownership under any mount', () => {
  const { kit } = makeKit();
  const issuer = makeApp(kit);
  let alice: { token: string; accountId: string };
  let bob: { token: string; accountId: string };
  before(async () => {
    alice = await nativeToken(issuer, { email: 'alice@example.com', scopes: 'email.read_only' });
    bob = await nativeToken(issuer, { email: 'bob@example.com', scopes: 'email.read_only' });
    await kit.apiKeys.import(API_KEY, { label: 'mounts' });
  });

  for (const layout of LAYOUTS) {
    it(`${layout.name}: an access token never reaches another grant's path; its own (id, email, me) passes`, async () => {
      const reached: string[] = [];
      const app = layout.build(kit, reached);
      const asAlice = { authorization: `Bearer ${alice.token}` };
      for (const other of [bob.accountId, 'bob@example.com', 'BOB%40example.com', `grant:${bob.accountId}`]) {
        const res = await request(app).get(layout.path(other)).set(asAlice);
        assert.equal(res.status, 403, `${other}: ${res.text}`);
        assert.equal(res.body.error.type, 'grant.access_denied');
      }
      assert.deepEqual(reached, []);
      for (const own of [alice.accountId, 'Alice%40example.com', 'me']) {
        const res = await request(app).get(layout.path(own)).set(asAlice);
        assert.equal(res.status, 200, `${own}: ${res.text}`);
        assert.equal(res.body.grant_id, alice.accountId);
      }
      // An API key names any grant of its client under the mount too.
      const byKey = await request(app).get(layout.path(bob.accountId)).set('authorization', `Bearer ${API_KEY}`);
      assert.equal(byKey.status, 200, byKey.text);
      assert.equal(byKey.body.grant_id, bob.accountId);
    });
  }

  it('an app whose routes call the grant something else names that parameter, on Express and Koa', async () => {
    const options: ExpressAdapterOptions = { grantParam: 'account' };
    const ex = express5();
    ex.get('/api/accounts/:account/messages', expressGrantkit(kit, options).requireScopes('email.read_only'), (req, res) => {
      res.json({ grant_id: req.grant?.id ?? null });
    });
    const ko = new Koa3();
    const router = new Router();
    router.get('/api/accounts/:account/messages', koaGrantkit(kit, options).requireScopes('email.read_only'), (ctx) => {
      ctx.body = { grant_id: ctx.state.grant?.id ?? null };
    });
    ko.use(router.routes());
    for (const app of [ex as unknown as RequestListener, ko.callback()]) {
      const denied = await request(app).get(`/api/accounts/${bob.accountId}/messages`).set('authorization', `Bearer ${alice.token}`);
      assert.equal(denied.status, 403, denied.text);
      const own = await request(app).get('/api/accounts/alice%40example.com/messages').set('authorization', `Bearer ${alice.token}`);
      assert.equal(own.status, 200, own.text);
      assert.equal(own.body.grant_id, alice.accountId);
    }
  });

  it('where grantkit cannot tell which grant a guarded route names, an access token is refused (403), never let through', async () => {
    const gk = expressGrantkit(kit);
    const app = express5();
    const router = express5.Router();
    router.get('/v3/grants/:grant/messages', gk.requireScopes('email.read_only'), (req, res) => {
      res.json({ grant_id: req.grant?.id ?? null });
    });
    // A route naming two grants: the path's and a parameter of its own.
    router.get('/v3/grants/:grant/share/:grant_id', gk.requireScopes('email.read_only'), (req, res) => {
      res.json({ grant_id: req.grant?.id ?? null });
    });
    app.use('/nylas', router);
    const asAlice = { authorization: `Bearer ${alice.token}` };
    for (const path of ['/nylas/v3/grants/grant:/messages', '/nylas/v3/grants/email:/messages', `/nylas/v3/grants/${alice.accountId}/share/${bob.accountId}`]) {
      const res = await request(app).get(path).set(asAlice);
      assert.equal(res.status, 403, `${path}: ${res.text}`);
      assert.equal(res.body.error.type, 'grant.access_denied');
    }
  });

  it('the v3 HTTPS rule holds under a mount prefix: plain HTTP through a proxy is refused in the v3 envelope', async () => {
    const secured = makeKit({ requireHttps: true });
    const { token } = await nativeToken(makeApp(secured.kit), { email: 'https@example.com', scopes: 'email.read_only' });
    const app = express5();
    app.set('trust proxy', true);
    const router = express5.Router();
    router.get('/v3/grants/:grant/messages', expressGrantkit(secured.kit).requireScopes('email.read_only'), (req, res) => {
      res.json({ grant_id: req.grant?.id ?? null });
    });
    app.use('/nylas', router);
    const plain = await request(app).get('/nylas/v3/grants/me/messages').set('authorization', `Bearer ${token}`).set('x-forwarded-proto', 'http');
    assert.equal(plain.status, 400, plain.text);
    assert.equal(plain.body.error.type, 'invalid_request_error');
    assert.match(plain.body.error.message, /HTTPS is required/);
    const tls = await request(app).get('/nylas/v3/grants/me/messages').set('authorization', `Bearer ${token}`).set('x-forwarded-proto', 'https');
    assert.equal(tls.status, 200, tls.text);
  });
});
