import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import request from 'supertest';
import type { AuditEvent } from '../../../src/audit/events.js';
import { hashSecret } from '../../../src/crypto/tokens.js';
import { kitContext } from '../../../src/kit.js';
import { findSecrets, rememberSecret } from '../../support/audit-collector.js';
import { CLIENT_ID, CLIENT_SECRET, makeKit, type TestKit } from '../../support/helpers.js';
import { FRAMEWORKS, guardedApp } from '../../support/two-frameworks.js';

/** The audit trail as an app sees it: the exact events of a sign-in, a guarded read, a refusal, a replay. */

const prefix = (secret: string): string => hashSecret(secret).slice(0, 16);

interface Audited extends TestKit {
  readonly events: AuditEvent[];
  readonly app: RequestListener;
  /** The events since the last call, once grant lifecycle events (delivered on the next turn) are in. */
  take(): Promise<AuditEvent[]>;
}

function audited(framework: (typeof FRAMEWORKS)[number], extra: Parameters<typeof makeKit>[0] = {}): Audited {
  const events: AuditEvent[] = [];
  const t = makeKit({ audit: (e) => void events.push(e), ...extra });
  let seen = 0;
  return {
    ...t,
    events,
    app: guardedApp(framework, t.kit),
    async take() {
      await new Promise((resolve) => setImmediate(resolve));
      const fresh = events.slice(seen);
      seen = events.length;
      return fresh;
    },
  };
}

async function authorize(app: RequestListener, email: string, scopes: string): Promise<string> {
  const res = await request(app)
    .post('/connect/authorize')
    .send({ client_id: CLIENT_ID, email_address: email, provider: 'sandbox', scopes, settings: { password: 'sandbox' } });
  assert.equal(res.status, 200, res.text);
  rememberSecret(res.body.code);
  return res.body.code as string;
}

async function redeem(app: RequestListener, code: string): Promise<request.Response> {
  return request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code });
}

for (const framework of FRAMEWORKS) {
  describe(`audit trail on ${framework}`, () => {
    it('a native sign-in: started, code issued, succeeded; then the code redeemed, a token issued, the grant created', async () => {
      const a = audited(framework);
      const time = a.clock.now;
      const code = await authorize(a.app, 'ada@example.com', 'email.read_only');
      const signIn = await a.take();
      const succeeded = signIn.find((e) => e.type === 'signin.succeeded');
      const grantId = succeeded?.type === 'signin.succeeded' ? succeeded.grantId : undefined;
      assert.ok(grantId);
      const who = { flow: 'native', api: 'v2', clientId: CLIENT_ID, provider: 'sandbox' } as const;
      assert.deepEqual(signIn, [
        { type: 'signin.started', ...who, time },
        { type: 'code.issued', flow: 'native', clientId: CLIENT_ID, codeHash: prefix(code), expiresAt: time + 15 * 60_000, time },
        { type: 'signin.succeeded', ...who, grantId, time },
      ]);
      const res = await redeem(a.app, code);
      assert.equal(res.status, 200);
      const token = res.body.access_token as string;
      rememberSecret(token);
      assert.deepEqual(await a.take(), [
        { type: 'code.redeemed', flow: 'native', clientId: CLIENT_ID, grantId, codeHash: prefix(code), time },
        {
          type: 'token.issued',
          kind: 'access',
          grantId,
          clientId: CLIENT_ID,
          tokenHash: prefix(token),
          family: prefix(code),
          expiresAt: null,
          scopes: ['email.read_only'],
          time,
        },
        { type: 'grant.created', grantId, clientId: CLIENT_ID, provider: 'sandbox', time },
      ]);
      assert.deepEqual(findSecrets(a.events, [code, token, CLIENT_SECRET]), []);
    });

    it('a guarded read allowed, a write denied for its scope, and a bad token denied', async () => {
      const a = audited(framework);
      const time = a.clock.now;
      const res = await redeem(a.app, await authorize(a.app, 'ada@example.com', 'email.read_only'));
      const token = res.body.access_token as string;
      const grantId = res.body.account_id as string;
      await a.take();
      assert.equal((await request(a.app).get('/messages?limit=5').set('authorization', `Bearer ${token}`)).status, 200);
      assert.equal((await request(a.app).put('/messages/m1').set('authorization', `Bearer ${token}`)).status, 403);
      assert.equal((await request(a.app).get('/messages').set('authorization', 'Bearer not-a-token')).status, 401);
      const held = { held: ['email.read_only'], grantId, clientId: CLIENT_ID, tokenHash: prefix(token) };
      assert.deepEqual(await a.take(), [
        {
          type: 'auth.decision',
          outcome: 'allow',
          guard: 'requireScopes',
          family: 'v2',
          route: { method: 'GET', path: '/messages' },
          required: ['email.read_only'],
          ...held,
          time,
        },
        {
          type: 'auth.decision',
          outcome: 'deny',
          guard: 'requireScopes',
          family: 'v2',
          route: { method: 'PUT', path: '/messages/m1' },
          required: ['email.modify'],
          ...held,
          reason: 'insufficient_scope',
          status: 403,
          time,
        },
        {
          type: 'auth.decision',
          outcome: 'deny',
          guard: 'requireScopes',
          family: 'v2',
          route: { method: 'GET', path: '/messages' },
          required: ['email.read_only'],
          tokenHash: prefix('not-a-token'),
          reason: 'invalid_token',
          status: 401,
          time,
        },
      ]);
    });

    it('gate() decisions name the gate and the scopes of the table row', async () => {
      const a = audited(framework);
      const res = await redeem(a.app, await authorize(a.app, 'ada@example.com', 'calendar.read_only'));
      await a.take();
      assert.equal((await request(a.app).get('/events').set('authorization', `Bearer ${res.body.access_token}`)).status, 200);
      assert.equal((await request(a.app).get('/threads').set('authorization', `Bearer ${res.body.access_token}`)).status, 403);
      // A method the table does not list for the path is refused before authentication, and reported too.
      assert.equal((await request(a.app).post('/threads/search').set('authorization', `Bearer ${res.body.access_token}`)).status, 405);
      const events = await a.take();
      const decisions = events.map((e) => (e.type === 'auth.decision' ? [e.guard, e.outcome, e.route.path, e.required.length > 0] : e.type));
      assert.deepEqual(decisions, [
        ['gate', 'allow', '/events', true],
        ['gate', 'deny', '/threads', true],
        ['gate', 'deny', '/threads/search', false],
      ]);
      const refused = events[2];
      assert.equal(refused?.type === 'auth.decision' && `${refused.route.method} ${refused.reason} ${refused.status}`, 'POST method_not_allowed 405');
    });

    it('a replayed code: refused, reported, and the token of its first redemption revoked with its family', async () => {
      const a = audited(framework);
      const time = a.clock.now;
      const code = await authorize(a.app, 'ada@example.com', 'email.read_only');
      const first = await redeem(a.app, code);
      await a.take();
      assert.equal((await redeem(a.app, code)).status, 400);
      assert.deepEqual(await a.take(), [
        { type: 'code.replayed', flow: 'native', clientId: CLIENT_ID, codeHash: prefix(code), time },
        { type: 'family.revoked', family: prefix(code), reason: 'code_replayed', tokens: 1, time },
      ]);
      assert.equal((await request(a.app).get('/messages').set('authorization', `Bearer ${first.body.access_token}`)).status, 401);
      const [denied] = await a.take();
      assert.equal(denied?.type === 'auth.decision' && denied.reason, 'invalid_token');
    });
  });
}

describe('audit trail: the rest of the decisions', () => {
  it('a failed sign-in says why, and a rate-limit refusal names its limit', async () => {
    const a = audited('express', { rateLimits: { loginPerAddressAndIp: { limit: 1, windowSeconds: 60 } } });
    const send = () =>
      request(a.app)
        .post('/connect/authorize')
        .send({ client_id: CLIENT_ID, email_address: 'ada@example.com', provider: 'sandbox', settings: { password: 'wrong' } });
    assert.equal((await send()).status, 401);
    assert.equal((await send()).status, 429);
    const events = await a.take();
    assert.deepEqual(
      events.map((e) => [e.type, 'reason' in e ? e.reason : 'limit' in e ? e.limit : undefined]),
      [
        ['signin.started', undefined],
        ['signin.failed', 'provider_auth_failed'],
        ['signin.started', undefined],
        ['ratelimit.refused', 'loginPerAddressAndIp'],
        ['signin.failed', 'rate_limited'],
      ],
    );
    const refused = events[3];
    assert.equal(refused?.type === 'ratelimit.refused' && refused.clientId, CLIENT_ID);
  });

  it('API keys: created, used, revoked, by public id only', async () => {
    const a = audited('express');
    const created = await a.kit.apiKeys.create({ label: 'ops' });
    rememberSecret(created.key);
    const res = await request(a.app).get('/v3/grants').set('authorization', `Bearer ${created.key}`);
    assert.equal(res.status, 200, res.text);
    // The v8 SDK sends an API key as the client secret at the token endpoint: that is a use too.
    const exchange = await request(a.app)
      .post('/v3/connect/token')
      .send({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: created.key, refresh_token: 'not-a-refresh-token' });
    assert.equal(exchange.status, 400, exchange.text);
    assert.equal(await a.kit.apiKeys.revoke(created.id), true);
    const events = await a.take();
    assert.deepEqual(
      events.filter((e) => e.type.startsWith('apikey.')).map((e) => ({ ...e, time: 0 })),
      [
        { type: 'apikey.created', keyId: created.id, clientId: CLIENT_ID, time: 0 },
        { type: 'apikey.used', keyId: created.id, clientId: CLIENT_ID, time: 0 },
        { type: 'apikey.used', keyId: created.id, clientId: CLIENT_ID, time: 0 },
        { type: 'apikey.revoked', keyId: created.id, clientId: CLIENT_ID, time: 0 },
      ],
    );
    assert.deepEqual(findSecrets(events, [created.key]), []);
  });

  it('a sink that throws, or rejects, never fails the request: the error goes to onError', async () => {
    for (const sink of [
      () => {
        throw new Error('sink down');
      },
      () => Promise.reject(new Error('sink down')),
    ]) {
      const errors: unknown[] = [];
      const a = audited('express', { audit: sink, onError: (e) => errors.push(e) });
      const res = await redeem(a.app, await authorize(a.app, 'ada@example.com', 'email.read_only'));
      assert.equal(res.status, 200);
      assert.equal((await request(a.app).get('/messages').set('authorization', `Bearer ${res.body.access_token}`)).status, 200);
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(errors.length >= 5, `every event's failure was reported (${errors.length})`);
      assert.ok(errors.every((e) => e instanceof Error && e.message === 'sink down'));
    }
  });

  it('without the option there is no trail at all', () => {
    const { kit } = makeKit({ audit: undefined });
    assert.equal(kitContext(kit).audit, undefined);
  });
});
