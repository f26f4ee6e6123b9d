import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { ScopeRequirement } from '../../../src/introspection/guarded-routes.js';
import { scopeAlternatives } from '../../../src/openapi/app-operations.js';
import { openApiDocument } from '../../../src/openapi/document.js';
import { OPERATIONS, operationSpec } from '../../../src/openapi/operations.js';
import { routeFamilies } from '../../../src/routes/families.js';

const allRoutes = Object.values(routeFamilies).flat();
const key = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;
const ALL_FAMILIES = [{ prefix: '/', families: ['native', 'hosted', 'admin', 'jwks', 'discovery'] as const }];

describe('the OpenAPI table of grantkit routes', () => {
  it('describes every route of every family', () => {
    assert.deepEqual(allRoutes.filter((r) => operationSpec(r.method, r.path) === undefined).map(key), []);
  });

  it('describes no route the families do not have', () => {
    const served = new Set(allRoutes.map(key));
    assert.deepEqual(Object.keys(OPERATIONS).filter((k) => !served.has(k)), []);
  });

  it('gives a body schema to exactly the routes that read a body', () => {
    const mismatched = allRoutes.filter((r) => (operationSpec(r.method, r.path)?.body !== undefined) !== r.readsBody);
    assert.deepEqual(mismatched.map(key), []);
  });
});

const any = (...scopes: string[]): ScopeRequirement => ({ mode: 'any', scopes, source: 'route' });
const all = (...scopes: string[]): ScopeRequirement => ({ mode: 'all', scopes, source: 'route' });

const alternatives: ReadonlyArray<readonly [string, ScopeRequirement[], string[][]]> = [
  ['no requirement: any valid token', [], [[]]],
  ['requireScopes: one alternative per scope', [any('email.read_only', 'email')], [['email.read_only'], ['email']]],
  ['requireAllScopes: one alternative with every scope', [all('contacts', 'calendar')], [['contacts', 'calendar']]],
  ['two guards multiply out', [any('a', 'b'), all('c', 'd')], [['a', 'c', 'd'], ['b', 'c', 'd']]],
  ['a scope both guards name is listed once', [any('email', 'calendar'), any('email')], [['email'], ['calendar', 'email']]],
  ['the same set reached twice is one alternative', [any('a', 'b'), any('b', 'a')], [['a', 'b'], ['a'], ['b']]],
  ['a requirement no scope meets leaves none', [any('email'), any()], []],
];

describe('scopeAlternatives: guards as OpenAPI security alternatives', () => {
  for (const [name, requirements, expected] of alternatives) {
    it(name, () => {
      assert.deepEqual(scopeAlternatives(requirements), expected);
    });
  }
});

describe('the document', () => {
  it('is a valid OpenAPI 3.1 document with every family and an app route of each kind', async () => {
    const doc = openApiDocument({
      mounts: ALL_FAMILIES,
      routes: [
        { method: 'GET', path: '/messages/:id', guarded: true, requirements: [any('email.read_only')], namesGrant: false },
        { method: 'DELETE', path: '/v3/grants/:grant/resources/:id', guarded: true, requirements: [any()], namesGrant: true },
        { method: 'GET', path: '/health', guarded: false, requirements: [], namesGrant: false },
      ],
      options: { info: { title: 'test', version: '2.0.0' }, servers: [{ url: 'https://api.example.com' }] },
    });
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)) as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  it('puts a mount path in front of the routes of the families mounted there, and nothing else', () => {
    const doc = openApiDocument({ mounts: [{ prefix: '/nylas/', families: ['jwks'] }], routes: [], options: {} });
    assert.deepEqual(Object.keys(doc.paths), ['/nylas/.well-known/jwks.json']);
  });

  it("leaves out an app route whose path OpenAPI cannot template, and one grantkit's routes already serve", () => {
    const doc = openApiDocument({
      mounts: [{ prefix: '/', families: ['native'] }],
      routes: [
        { method: 'GET', path: '/files/{*rest}', guarded: false, requirements: [], namesGrant: false },
        { method: 'GET', path: '/account', guarded: true, requirements: [], namesGrant: false },
      ],
      options: {},
    });
    assert.equal(doc.paths['/files/{*rest}'], undefined);
    assert.deepEqual(doc.paths['/account']?.get?.tags, ['native']);
  });

  it('gives every operation its own id, two paths that spell the same words included', () => {
    const doc = openApiDocument({
      mounts: ALL_FAMILIES,
      routes: [
        { method: 'GET', path: '/a-b', guarded: false, requirements: [], namesGrant: false },
        { method: 'GET', path: '/a_b', guarded: false, requirements: [], namesGrant: false },
      ],
      options: {},
    });
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([doc.paths['/a-b']?.get?.operationId, doc.paths['/a_b']?.get?.operationId], ['getAB', 'getAB2']);
  });

  it('marks an app route no scope admits, and still asks for a token there', () => {
    const doc = openApiDocument({
      mounts: [],
      routes: [{ method: 'POST', path: '/resources', guarded: true, requirements: [any()], namesGrant: false }],
      options: {},
    });
    const op = doc.paths['/resources']?.post;
    assert.deepEqual(op?.security, [{ bearerToken: [] }]);
    assert.equal(op?.['x-grantkit-no-scope-admits'], true);
  });
});
