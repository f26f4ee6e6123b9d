import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findGuardedRoutes,
  markMiddleware,
  withMarkOf,
  type GuardedRoute,
  type MiddlewareMark,
  type StackLayer,
} from '../../../src/introspection/guarded-routes.js';
import { V2_ENDPOINT_SCOPES } from '../../../src/scopes/gating.js';

const GRANT_PARAMS = ['grant', 'grant_id', 'grantId'];
const marked = (mark: MiddlewareMark): (() => void) => markMiddleware(() => {}, mark);
const scopes = (mode: 'any' | 'all', ...list: string[]) => marked({ kind: 'scopes', mode, scopes: list });
const gate = marked({ kind: 'gate', rules: V2_ENDPOINT_SCOPES });
const handler = (): void => {};
const route = (path: string, methods: string[], ...handlers: unknown[]): StackLayer => ({ kind: 'route', path, methods, handlers: [...handlers, handler] });
const use = (path: string, fn: unknown): StackLayer => ({ kind: 'use', path, handler: fn });

/** What the walk found for one method and path, without the parts a case does not look at. */
function found(stack: StackLayer[], method: string, path: string): Pick<GuardedRoute, 'guarded' | 'requirements' | 'namesGrant'> | undefined {
  const r = findGuardedRoutes(stack, GRANT_PARAMS).routes.find((x) => x.method === method && x.path === path);
  return r && { guarded: r.guarded, requirements: r.requirements, namesGrant: r.namesGrant };
}

const READ_HEADERS = ['email.metadata', 'email.read_only', 'email.modify', 'email'];

const cases: ReadonlyArray<{ name: string; stack: StackLayer[]; method: string; path: string; expected: ReturnType<typeof found> }> = [
  {
    name: 'a guard on the route',
    stack: [route('/messages', ['get'], scopes('any', 'email.read_only', 'email.send'))],
    method: 'GET',
    path: '/messages',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: ['email.read_only', 'email.send'], source: 'route' }], namesGrant: false },
  },
  {
    name: 'two guards on a route: both hold',
    stack: [route('/both', ['get'], scopes('any', 'calendar'), scopes('all', 'contacts', 'email.send'))],
    method: 'GET',
    path: '/both',
    expected: {
      guarded: true,
      requirements: [
        { mode: 'any', scopes: ['calendar'], source: 'route' },
        { mode: 'all', scopes: ['contacts', 'email.send'], source: 'route' },
      ],
      namesGrant: false,
    },
  },
  {
    name: 'a guard mounted before the route, under its path',
    stack: [use('/admin', scopes('all', 'contacts')), route('/admin/users', ['post'])],
    method: 'POST',
    path: '/admin/users',
    expected: { guarded: true, requirements: [{ mode: 'all', scopes: ['contacts'], source: 'middleware' }], namesGrant: false },
  },
  {
    name: 'a guard mounted at another path does not cover it',
    stack: [use('/admin', scopes('all', 'contacts')), route('/administrators', ['get'])],
    method: 'GET',
    path: '/administrators',
    expected: { guarded: false, requirements: [], namesGrant: false },
  },
  {
    name: 'a guard mounted after the route does not cover it',
    stack: [route('/early', ['get']), use('/', scopes('any', 'calendar'))],
    method: 'GET',
    path: '/early',
    expected: { guarded: false, requirements: [], namesGrant: false },
  },
  {
    name: "gate(): a parameter matches the table's parameter row, not /messages/search",
    stack: [use('/', gate), route('/messages/:id', ['get'])],
    method: 'GET',
    path: '/messages/:id',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: READ_HEADERS, source: 'gate' }], namesGrant: false },
  },
  {
    name: 'gate(): the literal row wins for its own path',
    stack: [use('/', gate), route('/messages/search', ['get'])],
    method: 'GET',
    path: '/messages/search',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: ['email.read_only', 'email.modify', 'email'], source: 'gate' }], namesGrant: false },
  },
  {
    name: 'gate(): a row any token passes adds no requirement',
    stack: [use('/', gate), route('/account', ['get'])],
    method: 'GET',
    path: '/account',
    expected: { guarded: true, requirements: [], namesGrant: false },
  },
  {
    name: 'gate(): a method the table refuses on a listed path admits nobody',
    stack: [use('/', gate), route('/messages/:id', ['patch'])],
    method: 'PATCH',
    path: '/messages/:id',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: [], source: 'gate' }], namesGrant: false },
  },
  {
    name: 'gate(): a path the table does not list is not guarded',
    stack: [use('/', gate), route('/health', ['get'])],
    method: 'GET',
    path: '/health',
    expected: { guarded: false, requirements: [], namesGrant: false },
  },
  {
    name: 'gate(): a v3 data path is read after /v3/grants/{grant}, and names a grant',
    stack: [use('/', gate), route('/v3/grants/:grant/events/:id', ['delete'])],
    method: 'DELETE',
    path: '/v3/grants/:grant/events/:id',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: ['calendar'], source: 'gate' }], namesGrant: true },
  },
  {
    name: 'gate() mounted at a path reads the route relative to it',
    stack: [{ kind: 'router', path: '/api', layers: [use('/', gate), route('/contacts', ['post'])] }],
    method: 'POST',
    path: '/api/contacts',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: ['contacts'], source: 'gate' }], namesGrant: false },
  },
  {
    name: 'a grant parameter names a grant',
    stack: [route('/accounts/:grant_id/files', ['get'], scopes('any', 'email.read_only'))],
    method: 'GET',
    path: '/accounts/:grant_id/files',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: ['email.read_only'], source: 'route' }], namesGrant: true },
  },
  {
    name: 'a wrapper marked like its guard (a decorated controller method) counts as the guard',
    stack: [route('/contacts', ['get'], withMarkOf(() => {}, scopes('any', 'contacts.read_only')))],
    method: 'GET',
    path: '/contacts',
    expected: { guarded: true, requirements: [{ mode: 'any', scopes: ['contacts.read_only'], source: 'route' }], namesGrant: false },
  },
];

describe('findGuardedRoutes: the guards in front of each route', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(found(c.stack, c.method, c.path), c.expected);
    });
  }
});

describe('findGuardedRoutes: routes, routers and mounts', () => {
  it('a guard used inside a router covers that router only', () => {
    const stack: StackLayer[] = [
      { kind: 'router', path: '/inner', layers: [use('/', scopes('any', 'calendar')), route('/a', ['get'])] },
      route('/outer', ['get']),
    ];
    assert.equal(found(stack, 'GET', '/inner/a')?.guarded, true);
    assert.equal(found(stack, 'GET', '/outer')?.guarded, false);
  });

  it('lists each method once, HEAD folded into GET and OPTIONS left out, in the usual order', () => {
    const { routes } = findGuardedRoutes([route('/x', ['options', 'delete', 'head', 'get', 'post'])], GRANT_PARAMS);
    assert.deepEqual(routes.map((r) => r.method), ['GET', 'POST', 'DELETE']);
  });

  it("finds grantkit's routes, with the mount path and the families", () => {
    const routes = marked({ kind: 'routes', families: ['native', 'admin'] });
    const stack: StackLayer[] = [{ kind: 'router', path: '/nylas', layers: [use('/', routes)] }];
    assert.deepEqual(findGuardedRoutes(stack, GRANT_PARAMS).grantkit, [{ prefix: '/nylas', families: ['native', 'admin'] }]);
  });

  it('leaves middleware grantkit did not make alone', () => {
    const { routes } = findGuardedRoutes([use('/', () => {}), route('/x', ['get'], () => {})], GRANT_PARAMS);
    assert.deepEqual(routes, [{ method: 'GET', path: '/x', guarded: false, requirements: [], namesGrant: false }]);
  });
});
