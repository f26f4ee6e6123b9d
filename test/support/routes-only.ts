import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { it } from 'node:test';
import request from 'supertest';
import type { RoutesOptions } from '../../src/adapter.js';
import { routeFamilies, type RouteFamilyName } from '../../src/routes/families.js';
import type { Route } from '../../src/routes/route.js';
import { connect, contractKit, sender } from '../contract/harness.js';
import type { GrantKit } from '../../src/index.js';

/** What the app's own last middleware answers: proof that grantkit passed the request on. */
export const APP_404 = { from: 'app', error: 'not found' } as const;

/**
 * An app of one framework: `routes(options)` of an adapter over `kit`, then the app's own 404
 * (APP_404) for whatever nothing else answered.
 */
export type RoutesApp = (kit: GrantKit, options: RoutesOptions | undefined) => RequestListener;
/** The adapter's routes(), to check what it throws. */
export type RoutesOf = (kit: GrantKit) => (options?: RoutesOptions) => unknown;

const FAMILIES = Object.keys(routeFamilies) as RouteFamilyName[];
const concrete = (route: Route): string => route.path.replace(/:[a-z_]+/g, 'p1');

async function answer(app: RequestListener, method: string, path: string): Promise<{ status: number; body: unknown; text: string }> {
  const res = await request(app)[method.toLowerCase() as 'get'](path);
  return { status: res.status, body: res.body as unknown, text: res.text };
}

/** The cases both adapters must pass for `routes({ only })`. */
export function routesOnlyCases(makeApp: RoutesApp, routesOf: RoutesOf): void {
  it('serves the families named: a native sign-in works with only native mounted', async () => {
    const app = makeApp(contractKit(), { only: ['native'] });
    const { token } = await connect(sender(app), 'only@example.com', 'email.read_only');
    const res = await request(app).get('/account').set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.email_address, 'only@example.com');
  });

  for (const mounted of FAMILIES) {
    it(`with only ${mounted}: every route of another family falls through to the app, and every route of ${mounted} is answered`, async () => {
      const app = makeApp(contractKit(), { only: [mounted] });
      for (const other of FAMILIES) {
        for (const route of routeFamilies[other]) {
          const res = await answer(app, route.method, concrete(route));
          if (other === mounted) assert.notDeepEqual(res.body, APP_404, `${route.method} ${route.path} was not answered by grantkit`);
          else assert.deepEqual({ status: res.status, body: res.body }, { status: 404, body: APP_404 }, `${route.method} ${route.path}: ${res.text}`);
        }
      }
    });
  }

  it('passes on a method an unmounted family’s path does not serve, instead of answering 405', async () => {
    const app = makeApp(contractKit(), { only: ['native', 'hosted', 'jwks'] });
    for (const path of ['/v3/grants/g1', '/a/p1/accounts', '/v3/connectors/google/']) {
      const res = await answer(app, 'PUT', path);
      assert.deepEqual({ status: res.status, body: res.body }, { status: 404, body: APP_404 }, path);
    }
    // The family that is mounted keeps its 405.
    const own = await answer(app, 'GET', '/connect/token');
    assert.equal(own.status, 405);
    const all = await answer(makeApp(contractKit(), undefined), 'PUT', '/v3/grants/g1');
    assert.equal(all.status, 405, 'every family is mounted by default');
  });

  it('mounts every family without only, and with only left undefined', async () => {
    for (const options of [undefined, {}, { only: undefined }]) {
      const res = await answer(makeApp(contractKit(), options), 'GET', '/.well-known/jwks.json');
      assert.equal(res.status, 200, JSON.stringify(options));
      assert.ok(Array.isArray((res.body as { keys?: unknown }).keys));
    }
  });

  it('refuses an unknown family when routes() is called, naming the option', () => {
    const routes = routesOf(contractKit());
    assert.throws(
      () => routes({ only: ['native', 'v3-admin' as RouteFamilyName] }),
      (e: unknown) =>
        e instanceof TypeError &&
        (e as TypeError & { code?: unknown }).code === 'ERR_INVALID_ARG_VALUE' &&
        e.message.includes('option "only"') &&
        e.message.includes('"v3-admin"'),
    );
  });
}
