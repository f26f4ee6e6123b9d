import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import request from 'supertest';
import { grantkit } from '../../../adapters/koa/index.js';
import { createGrantKit, MemoryStore, sandboxProvider, type Grant, type Resolved, type Store } from '../../../src/index.js';
import { contractKit, connect, sender } from '../../contract/harness.js';

/**
 * What the contract suite cannot show from outside: mounting inside @koa/router, Koa's own error
 * handler in throw mode, a body parsed by the host, the asynchronous store path, and the types.
 */
for (const [name, Koa] of [['koa2', Koa2], ['koa3', Koa3]] as const) {
  describe(`grantkit/koa on ${name}`, () => {
    it('serves grantkit routes from inside @koa/router', async () => {
      const gk = grantkit(contractKit());
      const router = new Router();
      // @koa/router runs router.use() middleware only for paths it has a route for, so the auth
      // routes are mounted on a catch-all; routes() passes every other path on.
      router.all('/{*path}', gk.routes());
      router.get('/messages', gk.requireScopes('email.read_only'), (ctx) => {
        ctx.body = { grant_id: ctx.state.grant?.id ?? null };
      });
      const app = new Koa();
      app.use(router.routes());
      const send = sender(app.callback());
      const { token, id } = await connect(send, 'router@example.com', 'email.read_only');
      const res = await send({ method: 'GET', path: '/messages', headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.text), { grant_id: id });
    });

    it('throwErrors with Koa\'s default handler keeps status, WWW-Authenticate and expose', async () => {
      const gk = grantkit(contractKit(), { throwErrors: true });
      const app = new Koa();
      app.silent = true;
      app.use(gk.requireScopes('email.read_only'));
      const res = await request(app.callback()).get('/anything');
      assert.equal(res.status, 401);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit"');
      // Koa renders the exposed message as text: the app chose its own handler by opting in.
      assert.equal(res.text, 'Could not verify access credentials.');
    });

    it('the thrown error carries the rendered body for the app\'s handler', async () => {
      const gk = grantkit(contractKit(), { throwErrors: true });
      const app = new Koa();
      let caught: unknown;
      const capture: Middleware = async (ctx, next) => {
        try {
          await next();
        } catch (e) {
          caught = e;
          ctx.status = 418;
        }
      };
      app.use(capture);
      app.use(gk.requireAllScopes('email.read_only'));
      await request(app.callback()).get('/x').set('authorization', 'Bearer gk_at_unknown');
      const err = caught as { status: number; expose: boolean; headers: Record<string, string>; body: unknown };
      assert.equal(err.status, 401);
      assert.equal(err.expose, true);
      assert.equal(err.headers['www-authenticate'], 'Bearer realm="grantkit", error="invalid_token"');
      assert.deepEqual(err.body, { message: 'Could not verify access credentials.', type: 'api_error' });
    });

    it('uses a body the host app already parsed (ctx.request.body)', async () => {
      const gk = grantkit(contractKit());
      const app = new Koa();
      const parser: Middleware = (ctx, next) => {
        (ctx.request as { body?: unknown }).body = { client_id: 'contract-client', provider: 'sandbox' };
        return next();
      };
      app.use(parser);
      app.use(gk.routes());
      const res = await request(app.callback()).post('/connect/authorize').send('ignored: the parser already ran');
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { message: '"email_address" is required.', type: 'invalid_request_error' });
    });

    it('answers /oauth/revoke with an empty 200, not Koa\'s 204', async () => {
      const gk = grantkit(contractKit());
      const app = new Koa();
      app.use(gk.routes());
      const send = sender(app.callback());
      const { token } = await connect(send, 'revoke@example.com', 'email');
      const res = await request(app.callback()).post('/oauth/revoke').set('authorization', `Bearer ${token}`);
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
      assert.equal(res.headers['content-length'], '0');
      assert.equal(res.headers['content-type'], undefined);
    });

    it('works with a store that answers asynchronously', async () => {
      const memory = new MemoryStore();
      // The memory store with resolve() made asynchronous, as a networked store's is.
      const store: Store = new Proxy(memory, {
        get(target, key) {
          if (key === 'resolve') return async (h: string, n: number): Promise<Resolved | undefined> => target.resolve(h, n);
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const kit = createGrantKit({
        clients: [{ id: 'contract-client', secret: 'contract-secret' }],
        secretKeys: ['contract-suite-key-of-at-least-32-characters'],
        providers: [sandboxProvider()],
        store,
      });
      const gk = grantkit(kit);
      const app = new Koa();
      app.use(gk.routes());
      app.use(gk.resolve());
      app.use(gk.requireScopes('email.modify'));
      app.use((ctx) => {
        const grant: Grant | undefined = ctx.state.grant; // typed through DefaultState
        ctx.body = { grant_id: grant?.id };
      });
      const send = sender(app.callback());
      const ok = await connect(send, 'async@example.com', 'email');
      const low = await connect(send, 'async-low@example.com', 'email.read_only');
      assert.equal((await send({ method: 'GET', path: '/x', headers: { authorization: `Bearer ${ok.token}` } })).status, 200);
      const denied = await send({ method: 'GET', path: '/x', headers: { authorization: `Bearer ${low.token}` } });
      assert.equal(denied.status, 403);
      assert.equal(denied.headers['www-authenticate'], 'Bearer realm="grantkit", error="insufficient_scope", scope="email.modify"');
    });

    it('passes requests for other paths through routes() and gate() untouched', async () => {
      const gk = grantkit(contractKit());
      const app = new Koa();
      app.use(gk.routes());
      app.use(gk.gate());
      app.use((ctx) => {
        ctx.body = { ok: true };
      });
      const res = await request(app.callback()).get('/not-in-the-table');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { ok: true });
    });

    it('rejects an unknown scope when the guard is created', () => {
      const gk = grantkit(contractKit());
      // @ts-expect-error a literal grantkit does not know is refused at compile time too
      assert.throws(() => gk.requireScopes('email.readonly'));
    });
  });
}
