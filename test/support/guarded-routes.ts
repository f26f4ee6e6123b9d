import type { GuardedRoute } from '../../src/adapter.js';

/** What the endpoint table asks of a read of messages or threads. */
export const READ_HEADERS = ['email.metadata', 'email.read_only', 'email.modify', 'email'];

/**
 * The routes the Express and Koa guardedRoutes() tests both build, as guardedRoutes() should
 * report them: a route guard, an open route, a guard used on a router, `gate()` on a v2 path, and a
 * decorated controller method behind `gate()`.
 */
export const SHARED_ROUTES = {
  messages: { method: 'GET', path: '/messages', guarded: true, requirements: [{ mode: 'any', scopes: ['email.read_only'], source: 'route' }], namesGrant: false },
  open: { method: 'GET', path: '/open', guarded: false, requirements: [], namesGrant: false },
  adminUsers: {
    method: 'POST',
    path: '/admin/users/:id',
    guarded: true,
    requirements: [{ mode: 'all', scopes: ['contacts', 'calendar'], source: 'middleware' }],
    namesGrant: false,
  },
  events: { method: 'PUT', path: '/events/:id', guarded: true, requirements: [{ mode: 'any', scopes: ['calendar'], source: 'gate' }], namesGrant: false },
  contacts: {
    method: 'GET',
    path: '/contacts',
    guarded: true,
    requirements: [
      { mode: 'any', scopes: ['contacts.read_only', 'contacts'], source: 'gate' },
      { mode: 'any', scopes: ['contacts.read_only'], source: 'route' },
    ],
    namesGrant: false,
  },
  v3Messages: { method: 'GET', path: '/v3/grants/:grant/messages', guarded: true, requirements: [{ mode: 'any', scopes: READ_HEADERS, source: 'gate' }], namesGrant: true },
} satisfies Record<string, GuardedRoute>;
