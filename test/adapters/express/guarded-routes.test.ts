import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import request from 'supertest';
import { RequireScopes, expressController } from '../../../adapters/decorators/index.js';
import { grantkit } from '../../../adapters/express/index.js';
import type { GuardedRoute } from '../../../src/adapter.js';
import { contractKit } from '../../contract/harness.js';
import { READ_HEADERS, SHARED_ROUTES as S } from '../../support/guarded-routes.js';

@RequireScopes('contacts.read_only')
class Contacts {
  list(_req: Request, res: Response): void {
    res.json({});
  }
}

const EXPECTED: readonly GuardedRoute[] = [
  S.messages,
  S.open,
  S.adminUsers,
  { method: 'GET', path: '/v1/:version/threads/:id', guarded: true, requirements: [{ mode: 'any', scopes: READ_HEADERS, source: 'gate' }], namesGrant: false },
  { method: 'GET', path: '/a', guarded: false, requirements: [], namesGrant: false },
  { method: 'GET', path: '/b', guarded: false, requirements: [], namesGrant: false },
  S.events,
  S.contacts,
  S.v3Messages,
];

for (const [name, express] of [['express4', express4], ['express5', express5]] as const) {
  describe(`guardedRoutes() on ${name}`, () => {
    const gk = grantkit(contractKit());
    const ok = (_req: Request, res: Response): void => {
      res.json({ ok: true });
    };
    const app = express();
    app.use('/nylas', gk.routes({ only: ['native', 'admin'] }));
    app.get('/messages', gk.requireScopes('email.read_only'), ok);
    app.get('/open', gk.resolve(), ok);
    const admin = express.Router();
    admin.use(gk.requireAllScopes('contacts', 'calendar'));
    admin.post('/users/:id', ok);
    app.use('/admin', admin);
    const versioned = express.Router();
    versioned.use(gk.gate());
    versioned.get('/threads/:id', ok);
    app.use('/v1/:version', versioned);
    app.get(['/a', '/b'], ok);
    app.use(gk.gate());
    app.put('/events/:id', ok);
    app.get('/contacts', expressController(gk, new Contacts()).list);
    app.get('/v3/grants/:grant/messages', ok);

    it('lists every route with the guards in front of it', () => {
      assert.deepEqual(gk.guardedRoutes(app).routes, EXPECTED);
    });

    it("finds grantkit's routes under their mount path", () => {
      assert.deepEqual(gk.guardedRoutes(app).grantkit, [{ prefix: '/nylas', families: ['native', 'admin'] }]);
    });

    it('reads a router on its own', () => {
      assert.deepEqual(gk.guardedRoutes(admin).routes.map((r) => `${r.method} ${r.path}`), ['POST /users/:id']);
    });

    it('what it calls guarded answers 401 without a token, and the rest do not', async () => {
      for (const r of gk.guardedRoutes(app).routes) {
        const path = r.path.replace(/:[a-z]+/g, '1');
        const res = await request(app)[r.method === 'GET' ? 'get' : r.method === 'POST' ? 'post' : 'put'](path);
        assert.equal(res.status === 401, r.guarded, `${r.method} ${path}: ${res.status}`);
      }
    });
  });
}

describe('guardedRoutes() on something else', () => {
  it('refuses what is not an Express app or router', () => {
    assert.throws(() => grantkit(contractKit()).guardedRoutes({}), /needs an Express app or router/);
  });
});
