import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Koa3 from 'koa3';
import request from 'supertest';
import { grantkit as koaGrantkit } from '../../../adapters/koa/index.js';
import { createGrantKit, MemoryStore, sandboxProvider, type GrantKit, type InvalidationListener } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, SECRET_KEY } from '../../support/helpers.js';

/**
 * Until `kit.ready()` settles (its cache's subscription to the store's broadcasts is attached),
 * grantkit's routes and guards answer 503 with Retry-After: 1 at once, in the route family's
 * format, on every adapter; afterwards they answer normally.
 */
class SlowSubscribeStore extends MemoryStore {
  release!: () => void;
  readonly #gate = new Promise<void>((r) => (this.release = r));
  override async subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    await this.#gate;
    return super.subscribe(listener);
  }
}

function startingKit(): { kit: GrantKit; store: SlowSubscribeStore } {
  const store = new SlowSubscribeStore();
  const kit = createGrantKit({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
    secretKeys: [SECRET_KEY],
    providers: [sandboxProvider()],
    store,
    cache: true,
  });
  return { kit, store };
}

function koaApp(kit: GrantKit): Parameters<typeof request>[0] {
  const gk = koaGrantkit(kit);
  const app = new Koa3();
  app.use(gk.routes());
  app.use(async (ctx, next) => {
    if (ctx.path === '/messages') return gk.requireScopes('email.read_only')(ctx, async () => void (ctx.body = { ok: true }));
    return next();
  });
  return app.callback();
}

describe('a kit that is not ready yet', () => {
  for (const [name, build] of [['express', makeApp], ['koa', koaApp]] as const) {
    test(`${name}: routes and guards answer 503 with Retry-After: 1 in the family's format until ready, then normally`, async () => {
      const { kit, store } = startingKit();
      const app = build(kit);

      const v2 = await request(app).post('/connect/authorize').send({});
      assert.equal(v2.status, 503);
      assert.equal(v2.headers['retry-after'], '1');
      assert.deepEqual(Object.keys(v2.body as object).sort(), ['message', 'type']);

      const v3 = await request(app).get('/v3/grants').set('authorization', 'Bearer gk_key_x');
      assert.equal(v3.status, 503);
      assert.equal(v3.headers['retry-after'], '1');
      assert.equal(typeof (v3.body as { request_id?: unknown }).request_id, 'string');

      const token = await request(app).post('/v3/connect/token').send({ client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: 'x' });
      assert.equal(token.status, 503);
      assert.equal((token.body as { error?: unknown }).error, 'temporarily_unavailable');

      const guarded = await request(app).get('/messages').set('authorization', 'Bearer gk_at_anything');
      assert.equal(guarded.status, 503);
      assert.equal(guarded.headers['retry-after'], '1');

      store.release();
      await kit.ready();
      assert.equal((await request(app).get('/messages')).status, 401);
      assert.equal((await request(app).post('/connect/authorize').send({})).status, 400);
      await kit.close();
    });
  }

  test('a kit without a cache has nothing to wait for and answers at once', async () => {
    const kit = createGrantKit({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }], secretKeys: [SECRET_KEY], store: new MemoryStore() });
    // Synchronously, right after it is made.
    const outcome = kit.authenticate(undefined, '/messages');
    assert.ok(!(outcome instanceof Promise));
    assert.equal((outcome as { status?: number }).status, 401);
  });
});
