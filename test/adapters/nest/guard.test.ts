import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Request } from 'express';
import { GrantKitGuard, Public, RequireAllScopes, RequireScopes, type GrantKitGuardOptions } from '../../../adapters/nest/index.js';
import type { GrantKit } from '../../../src/index.js';
import { bearer, connect, contractKit, sender, type Send } from '../../contract/harness.js';
import { importNestApp } from './compile.js';

/**
 * GrantKitGuard in a Nest app written as an app would be (./.app/contacts-app.ts): the controller
 * default, a handler's rule replacing it, @RequireAllScopes, @Public, inheritance, a handler with
 * no rule, v3 paths and grant ownership, throwErrors and grantParam.
 */
type ContactsApp = (kit: GrantKit, options?: GrantKitGuardOptions) => Promise<INestApplication>;

async function listener(kit: GrantKit, options?: GrantKitGuardOptions): Promise<RequestListener> {
  const { contactsApp } = await importNestApp('contacts-app');
  const app = await (contactsApp as ContactsApp)(kit, options);
  return app.getHttpAdapter().getInstance();
}

const CREDENTIALS = { message: 'Could not verify access credentials.', type: 'api_error' };
const denied = (granted: string, required: string, which: string): Record<string, string> => ({
  message:
    `You do not have access to the required scopes. You provided a token which has the following scopes: ${granted}. ` +
    `You would need a token with ${which} the following scopes: ${required}`,
  type: 'api_error',
});

interface Caller {
  readonly token: string;
  readonly id: string;
}

describe('GrantKitGuard in a Nest app', () => {
  let send: Send;
  let contacts: Caller;
  let both: Caller;
  let mail: Caller;
  before(async () => {
    send = sender(await listener(contractKit()));
    contacts = await connect(send, 'contacts@example.com', 'contacts.read_only');
    both = await connect(send, 'both@example.com', 'contacts,calendar');
    mail = await connect(send, 'mail@example.com', 'email.read_only');
  });
  const get = (path: string, token?: string) => send({ method: 'GET', path, ...(token ? { headers: bearer(token) } : {}) });

  it("the controller's rule guards a handler without one (and `this` is the controller)", async () => {
    const ok = await get('/contacts', contacts.token);
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text), { label: 'contacts', grant_id: contacts.id });
    const none = await get('/contacts');
    assert.equal(none.status, 401);
    assert.deepEqual(JSON.parse(none.text), CREDENTIALS);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="grantkit"');
    assert.equal(none.headers['content-type'], 'application/json; charset=utf-8');
    const unknown = await get('/contacts', 'gk_at_unknown');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.headers['www-authenticate'], 'Bearer realm="grantkit", error="invalid_token"');
  });

  it("a handler's rule replaces the controller's instead of merging with it", async () => {
    const res = await get('/contacts/events', contacts.token);
    assert.equal(res.status, 403);
    assert.deepEqual(JSON.parse(res.text), denied("['contacts.read_only']", "['calendar']", 'at least one of'));
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit", error="insufficient_scope", scope="calendar"');
    assert.equal((await get('/contacts/events', both.token)).status, 200);
  });

  it('@RequireAllScopes needs every scope', async () => {
    const res = await get('/contacts/both', contacts.token);
    assert.equal(res.status, 403);
    assert.deepEqual(JSON.parse(res.text), denied("['contacts.read_only']", "['contacts', 'calendar']", 'all of'));
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit", error="insufficient_scope", scope="contacts calendar"');
    assert.deepEqual(JSON.parse((await get('/contacts/both', both.token)).text), { grant_id: both.id });
  });

  it('@Public opts out: no token needed, and a good one is not even resolved', async () => {
    assert.deepEqual(JSON.parse((await get('/contacts/health')).text), { ok: true, grant_id: null });
    const res = await get('/contacts/health', contacts.token);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { ok: true, grant_id: null });
  });

  it("a subclassed controller inherits its parent's rule", async () => {
    assert.equal((await get('/more-contacts/more')).status, 401);
    assert.deepEqual(JSON.parse((await get('/more-contacts/more', contacts.token)).text), { inherited: true, grant_id: contacts.id });
    assert.equal((await get('/more-contacts/events', contacts.token)).status, 403);
  });

  it('a handler with no rule anywhere is never served', async () => {
    const res = await get('/forgotten', mail.token);
    assert.equal(res.status, 500);
    assert.doesNotMatch(res.text, /served/);
  });

  it('on a /v3/ path: the v3 envelope, and only the grant the path names', async () => {
    const own = await get(`/v3/grants/${mail.id}/messages`, mail.token);
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(JSON.parse(own.text), { grant_id: mail.id });
    const other = await get(`/v3/grants/${both.id}/messages`, mail.token);
    assert.equal(other.status, 403, other.text);
    assert.equal(JSON.parse(other.text).error.type, 'grant.access_denied');
    const scopes = await get(`/v3/grants/${contacts.id}/messages`, contacts.token);
    assert.equal(scopes.status, 403);
    const body = JSON.parse(scopes.text);
    assert.equal(body.error.type, 'insufficient_scopes');
    assert.match(body.error.message, /at least one of the following scopes: \['email.read_only'\]/);
    assert.equal(body.request_id, scopes.headers['x-request-id']);
  });
});

describe('GrantKitGuard options', () => {
  it("throwErrors: the app's exception filter gets the GrantKitError with status, headers and the rendered body", async () => {
    const send = sender(await listener(contractKit(), { throwErrors: true }));
    const res = await send({ method: 'GET', path: '/contacts' });
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit"');
    assert.deepEqual(JSON.parse(res.text), { handledByApp: true, code: 'missing_credentials', body: CREDENTIALS });
  });

  it('grantParam: the route parameter the app names a grant by is held to the caller', async () => {
    const send = sender(await listener(contractKit(), { grantParam: 'account' }));
    const alice = await connect(send, 'alice@example.com', 'email.read_only');
    const bob = await connect(send, 'bob@example.com', 'email.read_only');
    const refused = await send({ method: 'GET', path: `/accounts/${bob.id}/messages`, headers: bearer(alice.token) });
    assert.equal(refused.status, 403, refused.text);
    const own = await send({ method: 'GET', path: `/accounts/${alice.id}/messages`, headers: bearer(alice.token) });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(JSON.parse(own.text), { grant_id: alice.id });
  });
});

/** A controller built without decorator syntax, so this file compiles under the repository's tsconfig. */
class Handlers {
  guarded(): void {}
  open(): void {}
  forgotten(): void {}
  unknownScope(): void {}
}
const method = (name: keyof Handlers): PropertyDescriptor => Object.getOwnPropertyDescriptor(Handlers.prototype, name)!;
RequireScopes('email')(Handlers.prototype, 'guarded', method('guarded'));
Public()(Handlers.prototype, 'open', method('open'));
// @ts-expect-error a literal grantkit does not know is refused at compile time too
RequireScopes('email.everything')(Handlers.prototype, 'unknownScope', method('unknownScope'));

function contextFor(name: keyof Handlers, type: string, req?: Partial<Request>): ExecutionContextHost {
  const context = new ExecutionContextHost([req, {}], Handlers, Handlers.prototype[name]);
  context.setType(type);
  return context;
}

describe('GrantKitGuard refuses what it cannot guard', () => {
  it('needs the kit, and says how to give it when Nest builds the class with no arguments', () => {
    assert.throws(() => new GrantKitGuard(undefined as unknown as GrantKit), /GrantKitGuard needs the kit.*new GrantKitGuard\(kit\)/);
  });

  it('a scope rule needs a scope', () => {
    assert.throws(() => RequireScopes(), /@RequireScopes\(\) needs at least one scope/);
    assert.throws(() => RequireAllScopes(), /@RequireAllScopes\(\) needs at least one scope/);
  });

  it('names the handler that has no rule', async () => {
    await assert.rejects(new GrantKitGuard(contractKit()).canActivate(contextFor('forgotten', 'http', {})), /Handlers\.forgotten has no access rule/);
  });

  it('guards HTTP routes only, and lets a @Public handler through anywhere', async () => {
    const guard = new GrantKitGuard(contractKit());
    await assert.rejects(guard.canActivate(contextFor('guarded', 'rpc')), /guards HTTP routes; Handlers\.guarded runs in a "rpc" context/);
    assert.equal(await guard.canActivate(contextFor('open', 'rpc')), true);
  });

  it('an unknown scope fails on the first request its rule guards (the decorators cannot see the kit)', async () => {
    const req: Partial<Request> = { path: '/x', method: 'GET', originalUrl: '/x', headers: {}, rawHeaders: [], params: {} };
    await assert.rejects(new GrantKitGuard(contractKit()).canActivate(contextFor('unknownScope', 'http', req)), /unknown scope "email.everything"/);
  });
});
