import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { grantkit } from '../../../adapters/express/index.js';
import { hashSecret, newSecret } from '../../../src/index.js';
import { CLIENT_ID, makeApp, makeKit, nativeToken } from '../../support/helpers.js';

const NO_CREDS = { message: 'Could not verify access credentials.', type: 'api_error' };

describe('requireScopes / requireAllScopes on an Express app', () => {
  it('answers the seed 001 403 text, listing granted scopes in order and the guard scopes as declared', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const { token } = await nativeToken(app, { scopes: 'email.read_only,email.send' });
    const res = await request(app).put('/messages/1').set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      message:
        "You do not have access to the required scopes. You provided a token which has the following scopes: ['email.read_only', 'email.send']. You would need a token with at least one of the following scopes: ['email.modify']",
      type: 'api_error',
    });
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit", error="insufficient_scope", scope="email.modify"');
  });

  it('requireAllScopes says "all of" and lists every scope in the header', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const { token } = await nativeToken(app, { scopes: 'email.modify' });
    const res = await request(app).get('/both').set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 403);
    assert.equal(
      res.body.message,
      "You do not have access to the required scopes. You provided a token which has the following scopes: ['email.modify']. You would need a token with all of the following scopes: ['email.read_only', 'calendar']",
    );
    assert.equal(res.body.type, 'api_error');
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit", error="insufficient_scope", scope="email.read_only calendar"');
  });

  it('passes through the hierarchy: email.modify satisfies email.read_only, email satisfies both', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const modify = await nativeToken(app, { scopes: 'email.modify', email: 'm@example.com' });
    const res = await request(app).get('/messages').set('authorization', `Bearer ${modify.token}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.grant, modify.accountId);
    const all = await nativeToken(app, { scopes: 'email,calendar', email: 'e@example.com' });
    assert.equal((await request(app).get('/both').set('authorization', `Bearer ${all.token}`)).status, 200);
  });

  it('401 without credentials: no error attribute in the challenge', async () => {
    const { kit } = makeKit();
    const res = await request(makeApp(kit)).get('/messages');
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, NO_CREDS);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit"');
  });

  it('401 invalid_token for unknown, malformed, revoked and expired tokens', async () => {
    const { kit, store, clock } = makeKit();
    const app = makeApp(kit);
    const { token } = await nativeToken(app);
    const expired = newSecret('gk_at_');
    const grant = (await store.listGrants({}))[0]!;
    await store.putToken({
      hash: hashSecret(expired),
      kind: 'access',
      clientId: CLIENT_ID,
      grantId: grant.id,
      family: null,
      createdAt: clock.now,
      expiresAt: clock.now + 1000,
    data: null,
    });
    assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${expired}`)).status, 200);
    clock.advance(1000);
    await request(app).post('/oauth/revoke').set('authorization', `Bearer ${token}`).expect(200);
    for (const header of [
      'Bearer gk_at_unknown',
      'Bearer !!not-a-b64token!!',
      'Bearer',
      'Digest abc',
      `Bearer ${token}`, // revoked
      `Bearer ${expired}`, // expired at exactly expiresAt
      `Bearer a b`,
    ]) {
      const res = await request(app).get('/messages').set('authorization', header);
      assert.equal(res.status, 401, header);
      assert.deepEqual(res.body, NO_CREDS, header);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit", error="invalid_token"', header);
    }
  });

  it('accepts the access token as a Basic username with an empty password, and a case-insensitive scheme', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const { token } = await nativeToken(app);
    const basic = Buffer.from(`${token}:`).toString('base64');
    assert.equal((await request(app).get('/messages').set('authorization', `Basic ${basic}`)).status, 200);
    assert.equal((await request(app).get('/messages').set('authorization', `bEaReR ${token}`)).status, 200);
    // A token in the query string is not a credential (RFC 6750 §2.3, security #1).
    assert.equal((await request(app).get(`/messages?access_token=${token}`)).status, 401);
  });

  it('resolve() leaves req.grant unset for a bad token and sets it for a good one', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const { token, accountId } = await nativeToken(app);
    assert.deepEqual((await request(app).get('/open').set('authorization', 'Bearer nope')).body, { grant: null });
    assert.deepEqual((await request(app).get('/open')).body, { grant: null });
    assert.deepEqual((await request(app).get('/open').set('authorization', `Bearer ${token}`)).body, { grant: accountId });
  });

  it('sets req.grant on every request of an app, the first and those after it, and keeps an app-defined grant property', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const a = await nativeToken(app, { email: 'a@example.com' });
    const b = await nativeToken(app, { email: 'b@example.com' });
    for (const { token, accountId } of [a, b, a, b, a]) {
      assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).body.grant, accountId);
      assert.equal((await request(app).get('/open').set('authorization', `Bearer ${token}`)).body.grant, accountId);
    }
    // An app that defined `grant` on its request prototype itself keeps it: grantkit assigns through it.
    const own = express();
    const assigned: string[] = [];
    Object.defineProperty(own.request, 'grant', {
      configurable: true,
      get(this: { mine?: unknown }) {
        return this.mine;
      },
      set(this: { mine?: unknown }, grant: { id: string }) {
        assigned.push(grant.id);
        this.mine = grant;
      },
    });
    own.get('/x', grantkit(kit).requireScopes('email.read_only'), (req, res) => {
      res.json({ grant: req.grant?.id ?? null });
    });
    for (const { token, accountId } of [a, b, a]) {
      assert.equal((await request(own).get('/x').set('authorization', `Bearer ${token}`)).body.grant, accountId);
    }
    assert.deepEqual(assigned, [a.accountId, b.accountId, a.accountId]);
  });

  it('uses the v3 envelope on /v3/ paths and refuses Basic there', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const { token, accountId } = await nativeToken(app, { scopes: 'calendar' });
    const res = await request(app).get(`/v3/grants/${accountId}/messages`).set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.type, 'insufficient_scopes');
    assert.match(res.body.error.message, /at least one of the following scopes: \['email.read_only'\]/);
    assert.equal(res.body.request_id, res.headers['x-request-id']);
    const basic = Buffer.from(`${token}:`).toString('base64');
    const res401 = await request(app).get(`/v3/grants/${accountId}/messages`).set('authorization', `Basic ${basic}`);
    assert.equal(res401.status, 401);
    assert.equal(res401.body.error.type, 'api.authentication_error');
  });

  it('throw mode hands the app an error carrying status, headers and the rendered body', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit, { throwErrors: true });
    const res = await request(app).get('/messages');
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit"');
    assert.deepEqual(res.body, { handledByApp: true, body: NO_CREDS });
  });

  it('refuses a guard with no scope or an unknown scope at start-up', () => {
    const { kit } = makeKit();
    assert.throws(() => kit.guard('any', []), /at least one scope/);
    // A literal is refused by the compiler too; this is the run-time check a `string` meets.
    // @ts-expect-error 'email.everything' is no scope grantkit knows
    assert.throws(() => kit.guard('any', ['email.everything']), /unknown scope "email.everything"/);
  });
});
