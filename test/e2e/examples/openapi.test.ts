import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { createExampleApp as expressApp } from '../../../examples/express/app.js';
import { createExampleApp as koaApp } from '../../../examples/koa/app.js';
import { exampleConfig } from '../../../examples/shared/config.js';
import { DEMO_ROUTES, V3_DEMO_ROUTES } from '../../../examples/shared/demo-routes.js';
import { routeFamilies } from '../../../src/routes/families.js';

/**
 * The examples serve their OpenAPI document at /openapi.json: a valid OpenAPI 3.1 document that
 * lists every route the example answers with its methods, and nothing the example does not answer.
 */
interface Doc {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { security?: Array<Record<string, string[]>>; tags?: string[] }>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'patch'] as const;
const template = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** What each example answers, from the tables it is built from: grantkit's routes and its own. */
function answered(v3Demo: boolean): string[] {
  const own = [
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/callback' },
    { method: 'GET', path: '/callback/v2' },
    { method: 'GET', path: '/openapi.json' },
    { method: 'GET', path: '/healthz' },
    ...DEMO_ROUTES,
    ...(v3Demo ? V3_DEMO_ROUTES : []),
  ];
  return [...Object.values(routeFamilies).flat(), ...own].map((r) => `${r.method.toLowerCase()} ${template(r.path)}`);
}

const APPS: ReadonlyArray<readonly [string, () => RequestListener, boolean]> = [
  ['express', () => { const c = exampleConfig({}, () => {}); return expressApp(c.kit, c.clientId); }, true],
  ['koa', () => { const c = exampleConfig({}, () => {}); return koaApp(c.kit, c.clientId).callback(); }, false],
];

for (const [name, make, v3Demo] of APPS) {
  describe(`the ${name} example's /openapi.json`, () => {
    const app = make();
    let doc: Doc | undefined;
    const fetchDoc = async (): Promise<Doc> => {
      if (doc !== undefined) return doc;
      const res = await request(app).get('/openapi.json');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      return (doc = res.body as Doc);
    };
    const operations = async (): Promise<string[]> =>
      Object.entries((await fetchDoc()).paths).flatMap(([path, item]) => METHODS.filter((m) => item[m] !== undefined).map((m) => `${m} ${path}`));

    it('is a valid OpenAPI 3.1 document', async () => {
      const result = await new Validator().validate(structuredClone(await fetchDoc()) as unknown as Record<string, unknown>);
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
      assert.equal((await fetchDoc()).openapi, '3.1.0');
    });

    it('lists every route the example answers, with its methods', async () => {
      const listed = new Set(await operations());
      assert.deepEqual(answered(v3Demo).filter((op) => !listed.has(op)), []);
    });

    it('lists nothing the example does not answer', async () => {
      const expected = new Set(answered(v3Demo));
      assert.deepEqual((await operations()).filter((op) => !expected.has(op)), []);
      for (const op of await operations()) {
        const [method, path] = op.split(' ') as [(typeof METHODS)[number], string];
        const res = await request(app)[method](path.replace(/\{[^}]+\}/g, 'x1'));
        assert.notEqual(res.status, 404, `${op} is not answered`);
      }
    });

    it("gives the app's guarded routes the scopes of the endpoint table as security", async () => {
      const { paths } = await fetchDoc();
      assert.deepEqual(paths['/events/{id}']?.['put']?.security, [{ bearerToken: ['calendar'] }]);
      assert.deepEqual(paths['/send']?.['post']?.security, [{ bearerToken: ['email.send'] }, { bearerToken: ['email'] }]);
      assert.equal(paths['/callback']?.['get']?.security, undefined);
      if (v3Demo) {
        assert.deepEqual(paths['/v3/grants/{grant}/contacts']?.['post']?.security, [{ bearerToken: ['contacts'] }, { apiKey: ['contacts'] }]);
      }
      assert.deepEqual(paths['/v3/grants/{grant_id}']?.['get']?.tags, ['admin']);
    });

    it('documents /healthz as the public health report: 200 with its schema, 503 in the v2 error format', async () => {
      const op = (await fetchDoc()).paths['/healthz']?.['get'] as unknown as {
        security?: unknown;
        responses: Record<string, { $ref?: string; content?: Record<string, { schema: { required: string[] } }> }>;
      };
      assert.equal(op.security, undefined);
      assert.deepEqual(op.responses['200']?.content?.['application/json']?.schema.required, ['status', 'degraded', 'store', 'invalidation']);
      assert.equal(op.responses['503']?.$ref, '#/components/responses/V2Error');
      const res = await request(app).get('/healthz');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'ok');
    });
  });
}
