import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Router from '@koa/router';
import type { Context } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import request from 'supertest';
import { RequireScopes, koaController } from '../../../adapters/decorators/index.js';
import { grantkit } from '../../../adapters/koa/index.js';
import type { GuardedRoute } from '../../../src/adapter.js';
import { contractKit } from '../../contract/harness.js';
import { SHARED_ROUTES as S } from '../../support/guarded-routes.js';

@RequireScopes('contacts.read_only')
class Contacts {
  list(ctx: Context): void {
    ctx.body = {};
  }
}

const EXPECTED: readonly GuardedRoute[] = [
  S.messages,
  S.open,
  S.adminUsers,
  S.events,
  S.contacts,
  S.v3Messages,
  { method: 'DELETE', path: '/v3/grants/:grant/messages', guarded: true, requirements: [{ mode: 'any', scopes: [], source: 'gate' }], namesGrant: true },
];

for (const [name, Koa] of [['koa2', Koa2], ['koa3', Koa3]] as const) {
  describe(`guardedRoutes() on ${name} with @koa/router`, () => {
    const gk = grantkit(contractKit());
    const ok = (ctx: Context): void => {
      ctx.body = { ok: true };
    };
    const app = new Koa();
    app.use(gk.routes({ only: ['hosted'] }));
    const router = new Router();
    router.get('/messages', gk.requireScopes('email.read_only'), ok);
    router.get('/open', gk.resolve(), ok);
    const admin = new Router({ prefix: '/admin' });
    admin.use(gk.requireAllScopes('contacts', 'calendar'));
    admin.post('/users/:id', ok);
    router.use(admin.routes());
    app.use(router.routes());
    app.use(gk.gate());
    const after = new Router();
    after.put('/events/:id', ok);
    after.get('/contacts', koaController(gk, new Contacts()).list);
    // DELETE on a v3 list path: the table lists GET and POST there, so the gate answers 405.
    after.register('/v3/grants/:grant/messages', ['GET', 'DELETE'], ok);
    app.use(after.routes());

    it('lists every route with the guards in front of it', () => {
      assert.deepEqual(gk.guardedRoutes(app).routes, EXPECTED);
    });

    it("finds grantkit's routes and their families", () => {
      assert.deepEqual(gk.guardedRoutes(app).grantkit, [{ prefix: '/', families: ['hosted'] }]);
    });

    it('reads a router on its own', () => {
      assert.deepEqual(gk.guardedRoutes(after).routes.map((r) => `${r.method} ${r.path}`), ['PUT /events/:id', 'GET /contacts', 'GET /v3/grants/:grant/messages', 'DELETE /v3/grants/:grant/messages']);
    });

    it('what it calls guarded answers 401 without a token, and the rest do not', async () => {
      for (const r of gk.guardedRoutes(app).routes) {
        const path = r.path.replace(/:[a-z]+/g, '1');
        const method = r.method === 'GET' ? 'get' : r.method === 'POST' ? 'post' : r.method === 'PUT' ? 'put' : 'delete';
        const res = await request(app.callback())[method](path);
        assert.equal(res.status === 401 || res.status === 405, r.guarded, `${r.method} ${path}: ${res.status}`);
      }
    });
  });
}

describe('guardedRoutes() on something else', () => {
  it('refuses what is not a Koa app or router', () => {
    assert.throws(() => grantkit(contractKit()).guardedRoutes({}), /needs a Koa app or an @koa\/router router/);
  });
});
