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

@RequireScopes('contacts.read_only')
class Contacts {
  list(_req: Request, res: Response): void {
    res.json({});
  }
}

const READ_HEADERS = ['email.metadata', 'email.read_only', 'email.modify', 'email'];

/** What the app below answers, and what guards each route: the same on Express 4 and 5. */
const EXPECTED: readonly GuardedRoute[] = [
  { method: 'GET', path: '/messages', guarded: true, requirements: [{ mode: 'any', scopes: ['email.read_only'], source: 'route' }], namesGrant: false },
  { method: 'GET', path: '/open', guarded: false, requirements: [], namesGrant: false },
  { method: 'POST', path: '/admin/users/:id', guarded: true, requirements: [{ mode: 'all', scopes: ['contacts', 'calendar'], source: 'middleware' }], namesGrant: false },
  { method: 'GET', path: '/v1/:version/threads/:id', guarded: true, requirements: [{ mode: 'any', scopes: READ_HEADERS, source: 'gate' }], namesGrant: false },
  { method: 'GET', path: '/a', guarded: false, requirements: [], namesGrant: false },
  { method: 'GET', path: '/b', guarded: false, requirements: [], namesGrant: false },
  { method: 'PUT', path: '/events/:id', guarded: true, requirements: [{ mode: 'any', scopes: ['calendar'], source: 'gate' }], namesGrant: false },
  {
    method: 'GET',
    path: '/contacts',
    guarded: true,
    requirements: [
      { mode: 'any', scopes: ['contacts.read_only', 'contacts'], source: 'gate' },
      { mode: 'any', scopes: ['contacts.read_only'], source: 'route' },
    ],
    namesGrant: false,
  },
  { method: 'GET', path: '/v3/grants/:grant/messages', guarded: true, requirements: [{ mode: 'any', scopes: READ_HEADERS, source: 'gate' }], namesGrant: true },
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
