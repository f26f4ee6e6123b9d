import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { grantkit } from '../../../adapters/express/index.js';
import { createGrantKit, type GrantKit, type GrantKitOptions } from '../../../src/index.js';
import { SqliteStore } from '../../../src/store/sql/sqlite.js';
import { runGrantkit } from '../../support/cli-child.js';

/**
 * Connectors and their credentials belong to someone. Over HTTP, a connector belongs to the
 * client whose API key created it: another client's key finds nothing there (404), so it can
 * neither delete the connector other users sign in through nor re-point its upstream secret.
 * A connector configured in code is the app's: it serves every client (or the clients it names),
 * HTTP reads it and never changes it. Sign-ins and custom authentication use the calling client's.
 */
const A = { id: 'client-a', secret: 'client-a-secret', key: 'api-key-of-client-a-0123456789' };
const B = { id: 'client-b', secret: 'client-b-secret', key: 'api-key-of-client-b-0123456789' };
const CALLBACK = 'http://localhost:9/cb';

/** The upstream apps (client id → secret) the fake provider knows. */
const UPSTREAM: Readonly<Record<string, string>> = { 'id-a': 'secret-a', 'id-b': 'secret-b', 'id-app': 'secret-app' };

/**
 * A stand-in for Google's token and userinfo endpoints. A refresh token `rt-<upstream id>` is good
 * only with that upstream app's id and secret, so a sign-in that went through the wrong connector fails.
 */
async function fakeProvider() {
  const seen: string[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/token', (req, res) => {
    const b = req.body as Record<string, string>;
    const cid = b['client_id'] ?? '';
    seen.push(cid);
    if (b['grant_type'] === 'refresh_token' && UPSTREAM[cid] === b['client_secret'] && b['refresh_token'] === `rt-${cid}`) {
      return res.json({ access_token: `at-${cid}`, scope: 'openid email' });
    }
    return res.status(400).json({ error: 'invalid_grant' });
  });
  app.get('/userinfo', (req, res) => {
    const m = /^Bearer at-(.+)$/.exec(req.headers.authorization ?? '');
    if (!m) return res.status(401).end();
    return res.json({ email: `user-of-${m[1]}@example.com`, name: 'U' });
  });
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

let provider: Awaited<ReturnType<typeof fakeProvider>>;
before(async () => {
  provider = await fakeProvider();
});
after(() => provider.close());

interface Setup {
  readonly kit: GrantKit;
  readonly app: express.Express;
}

async function setup(extra: Partial<GrantKitOptions> = {}): Promise<Setup> {
  const kit = createGrantKit({
    ...extra,
    clients: [
      { id: A.id, secret: A.secret, callbackUris: [CALLBACK] },
      { id: B.id, secret: B.secret, callbackUris: [CALLBACK] },
    ],
    secretKeys: ['connectors-security-key-of-at-least-32-chars'],
    requireHttps: false,
    providerEndpoints: {
      google: { authorizationUrl: `${provider.url}/auth`, tokenUrl: `${provider.url}/token`, userinfoUrl: `${provider.url}/userinfo` },
    },
    providerTimeoutMs: 2000,
    hostedOAuth: { publicUrl: 'http://localhost:8080' },
  });
  await kit.apiKeys.import(A.key, { clientId: A.id });
  await kit.apiKeys.import(B.key, { clientId: B.id });
  const app = express();
  app.use(grantkit(kit).routes());
  return { kit, app };
}

const as = (key: string) => ({ authorization: `Bearer ${key}` });

function googleBody(upstreamId: string): Record<string, unknown> {
  return { provider: 'google', name: `G ${upstreamId}`, settings: { client_id: upstreamId, client_secret: UPSTREAM[upstreamId] } };
}

async function createOver(s: Setup, who: typeof A, upstreamId: string): Promise<void> {
  const res = await request(s.app).post('/v3/connectors').set(as(who.key)).send(googleBody(upstreamId));
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function custom(s: Setup, who: typeof A, upstreamId: string): Promise<request.Response> {
  return request(s.app)
    .post('/v3/connect/custom')
    .set(as(who.key))
    .send({ provider: 'google', settings: { refresh_token: `rt-${upstreamId}` } });
}

/** A 404 in the v3 format that says nothing of the connector. */
function notFound(res: request.Response, what: string): void {
  assert.equal(res.status, 404, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal((res.body as { error: { type: string } }).error.type, 'not_found_error', what);
  assert.doesNotMatch(res.text, /id-a|secret-a/, `${what} leaks nothing`);
}

describe('connector ownership', () => {
  test("a connector created over HTTP is its client's: another client's API key gets 404 and cannot change or delete it", async () => {
    const s = await setup();
    await createOver(s, A, 'id-a');
    for (const base of ['/v3/connectors', '/v3/integrations']) {
      notFound(await request(s.app).get(`${base}/google`).set(as(B.key)), `GET ${base}/google`);
      notFound(await request(s.app).patch(`${base}/google`).set(as(B.key)).send({ settings: { client_secret: 'stolen' } }), `PATCH ${base}`);
      notFound(await request(s.app).put(`${base}/google`).set(as(B.key)).send({ settings: { client_id: 'evil' } }), `PUT ${base}`);
      notFound(await request(s.app).delete(`${base}/google`).set(as(B.key)), `DELETE ${base}`);
      const list = await request(s.app).get(base).set(as(B.key));
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.data, [], `${base} lists none of another client's connectors`);
    }
    // A's connector is as A left it: same upstream app, same secret.
    const mine = await s.kit.connectors.forClient(A.id).get('google');
    assert.ok(mine);
    assert.equal(mine.clientId, 'id-a');
    assert.equal(s.kit.connectors.clientSecret(mine), 'secret-a');
    const seen = await request(s.app).get('/v3/connectors/google').set(as(A.key));
    assert.equal(seen.status, 200);
    assert.equal(seen.body.data.settings.client_id, 'id-a');
  });

  test("another client's API key gets 404 for a connector's credentials, even through its own connector of that provider", async () => {
    const s = await setup();
    await createOver(s, A, 'id-a');
    const made = await request(s.app)
      .post('/v3/connectors/google/creds')
      .set(as(A.key))
      .send({ name: 'override', credential_type: 'connector', credential_data: { client_id: 'id-a', client_secret: 'secret-a' } });
    assert.equal(made.status, 201);
    const credId = made.body.data.id as string;
    const creds = '/v3/connectors/google/creds';
    const tries = async (stage: string): Promise<void> => {
      notFound(await request(s.app).get(`${creds}/${credId}`).set(as(B.key)), `${stage}: GET cred`);
      notFound(await request(s.app).patch(`${creds}/${credId}`).set(as(B.key)).send({ credential_data: { client_id: 'x', client_secret: 'y' } }), `${stage}: PATCH cred`);
      notFound(await request(s.app).delete(`${creds}/${credId}`).set(as(B.key)), `${stage}: DELETE cred`);
    };
    await tries('without a connector');
    notFound(await request(s.app).get(creds).set(as(B.key)), 'list creds');
    notFound(
      await request(s.app).post(creds).set(as(B.key)).send({ name: 'mine', credential_type: 'connector', credential_data: { client_id: 'x', client_secret: 'y' } }),
      'create cred',
    );
    await createOver(s, B, 'id-b');
    await tries('through its own google connector');
    const own = await request(s.app).get(creds).set(as(B.key));
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.data, []);
    // A still has it, unchanged.
    const still = await request(s.app).get(`${creds}/${credId}`).set(as(A.key));
    assert.equal(still.status, 200);
    assert.equal(still.body.data.name, 'override');
  });

  test('each client has its own connector of a provider, and custom authentication uses the calling client\'s', async () => {
    const s = await setup();
    await createOver(s, A, 'id-a');
    await createOver(s, B, 'id-b');
    const dup = await request(s.app).post('/v3/connectors').set(as(B.key)).send(googleBody('id-b'));
    assert.equal(dup.status, 409, 'still one connector per client and provider');
    provider.seen.length = 0;
    assert.equal((await custom(s, A, 'id-a')).status, 201);
    assert.deepEqual(provider.seen, ['id-a']);
    provider.seen.length = 0;
    const wrong = await custom(s, B, 'id-a');
    assert.ok(wrong.status >= 400 && wrong.status < 500, `B's sign-in goes through B's connector: ${wrong.status}`);
    assert.deepEqual(provider.seen, ['id-b']);
    assert.equal((await custom(s, B, 'id-b')).status, 201);
  });

  test('hosted sign-in goes to the upstream app of the client that started it', async () => {
    const s = await setup();
    await createOver(s, A, 'id-a');
    await createOver(s, B, 'id-b');
    for (const [who, upstream] of [
      [A, 'id-a'],
      [B, 'id-b'],
    ] as const) {
      const q = new URLSearchParams({ client_id: who.id, redirect_uri: CALLBACK, response_type: 'code', provider: 'google', scope: 'openid email' });
      const res = await request(s.app).get(`/v3/connect/auth?${q}`);
      assert.equal(res.status, 302, res.text);
      const to = new URL(res.headers['location'] as string);
      assert.equal(to.origin, provider.url, to.toString());
      assert.equal(to.searchParams.get('client_id'), upstream, `${who.id} signs in through its own connector`);
    }
  });

  test("deleting one client's connector invalidates that client's grants only", async () => {
    const s = await setup();
    await createOver(s, A, 'id-a');
    await createOver(s, B, 'id-b');
    const ga = (await custom(s, A, 'id-a')).body.data.id as string;
    const gb = (await custom(s, B, 'id-b')).body.data.id as string;
    assert.equal((await request(s.app).delete('/v3/connectors/google').set(as(B.key))).status, 200);
    assert.equal((await s.kit.store.getGrant(gb))?.status, 'invalid');
    assert.equal((await s.kit.store.getGrant(ga))?.status, 'valid', "A's grant is untouched");
    assert.ok(await s.kit.connectors.forClient(A.id).get('google'), "A's connector is untouched");
  });

  test('a client cannot make its connector serve another client over HTTP', async () => {
    const s = await setup();
    const res = await request(s.app)
      .post('/v3/connectors')
      .set(as(B.key))
      .send({ ...googleBody('id-b'), clients: [A.id], owner: null });
    assert.equal(res.status, 201);
    notFound(await request(s.app).get('/v3/connectors/google').set(as(A.key)), "A does not see B's connector");
    const signIn = await custom(s, A, 'id-b');
    assert.ok(signIn.status >= 400 && signIn.status < 500, "A's custom auth does not go through B's connector");
  });
});

describe('connectors configured in code', () => {
  test('a connector configured in code serves every client; HTTP can read it but never change or delete it', async () => {
    const s = await setup();
    await s.kit.connectors.create({ provider: 'google', clientId: 'id-app', clientSecret: 'secret-app' });
    for (const who of [A, B]) {
      const got = await request(s.app).get('/v3/connectors/google').set(as(who.key));
      assert.equal(got.status, 200);
      assert.equal(got.body.data.settings.client_id, 'id-app');
      assert.equal((await request(s.app).get('/v3/connectors').set(as(who.key))).body.data.length, 1);
      const refused = [
        await request(s.app).patch('/v3/connectors/google').set(as(who.key)).send({ settings: { client_id: 'evil', client_secret: 'evil' } }),
        await request(s.app).put('/v3/connectors/google').set(as(who.key)).send({ name: 'renamed' }),
        await request(s.app).delete('/v3/connectors/google').set(as(who.key)),
        await request(s.app).delete('/v3/integrations/google').set(as(who.key)),
        await request(s.app)
          .post('/v3/connectors/google/creds')
          .set(as(who.key))
          .send({ name: 'x', credential_type: 'connector', credential_data: { client_id: 'evil', client_secret: 'evil' } }),
      ];
      for (const res of refused) {
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.match((res.body as { error: { message: string } }).error.message, /configured by the application/);
        assert.doesNotMatch(res.text, /secret-app/);
      }
      const replace = await request(s.app).post('/v3/connectors').set(as(who.key)).send(googleBody('id-a'));
      assert.equal(replace.status, 409, 'a client cannot shadow the app connector serving it');
      assert.equal((await custom(s, who, 'id-app')).status, 201, `${who.id} signs in through the app's connector`);
    }
    const app = await s.kit.connectors.get('google');
    assert.ok(app);
    assert.equal(app.name, 'google');
    assert.equal(app.clientId, 'id-app');
    assert.equal(s.kit.connectors.clientSecret(app), 'secret-app');
    assert.deepEqual(await s.kit.connectors.listCredentials('google'), []);
  });

  test('a connector configured in code for named clients serves those only; the others may create their own', async () => {
    const s = await setup();
    await s.kit.connectors.create({ provider: 'google', clientId: 'id-app', clientSecret: 'secret-app', clients: [A.id] });
    assert.equal((await request(s.app).get('/v3/connectors/google').set(as(A.key))).status, 200);
    notFound(await request(s.app).get('/v3/connectors/google').set(as(B.key)), 'B is not named');
    assert.deepEqual((await request(s.app).get('/v3/connectors').set(as(B.key))).body.data, []);
    const unnamed = await custom(s, B, 'id-app');
    assert.ok(unnamed.status >= 400 && unnamed.status < 500, 'B cannot sign in through a connector that does not serve it');
    await createOver(s, B, 'id-b');
    assert.equal((await custom(s, B, 'id-b')).status, 201);
    assert.equal((await custom(s, A, 'id-app')).status, 201);
    // Named clients must be configured ones, and at least one.
    await assert.rejects(s.kit.connectors.create({ provider: 'zoom', clientId: 'z', clientSecret: 'z', clients: ['nobody'] }), /not a configured client/);
    await assert.rejects(s.kit.connectors.create({ provider: 'zoom', clientId: 'z', clientSecret: 'z', clients: [] }), /at least one client/);
  });
});

describe('an operator narrows the app\'s connectors (grantkit connectors)', () => {
  const cli = async (file: string, ...args: string[]): Promise<{ code: number; out: string }> => {
    const { code, stdout, stderr } = await runGrantkit({ GRANTKIT_STORE: `sqlite:${file}` }, ...args);
    return { code, out: stdout + stderr };
  };

  test('serve --clients narrows an app connector to named clients; assign gives it, with its credentials, to one client', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantkit-connectors-cli-'));
    const file = join(dir, 'grantkit.db');
    const s = await setup({ store: new SqliteStore({ filename: file }) });
    try {
      // As a connector stored before owners is after the upgrade: the app's, serving every client.
      const app = await s.kit.connectors.create({ provider: 'google', clientId: 'id-app', clientSecret: 'secret-app' });
      const { credential } = await s.kit.connectors.createCredential('google', {
        name: 'sa',
        type: 'connector',
        data: { client_id: 'id-app', client_secret: 'secret-app' },
      });
      const listed = await cli(file, 'connectors', 'list', '--json');
      assert.equal(listed.code, 0, listed.out);
      assert.doesNotMatch(listed.out, /secret-app/);
      assert.match(listed.out, /"owner":null,"clients":null/);

      const narrowed = await cli(file, 'connectors', 'serve', 'google', '--clients', A.id);
      assert.equal(narrowed.code, 0, narrowed.out);
      assert.equal((await request(s.app).get('/v3/connectors/google').set(as(A.key))).status, 200);
      notFound(await request(s.app).get('/v3/connectors/google').set(as(B.key)), 'B after serve --clients A');

      const assigned = await cli(file, 'connectors', 'assign', 'google', '--client', B.id);
      assert.equal(assigned.code, 0, assigned.out);
      notFound(await request(s.app).get('/v3/connectors/google').set(as(A.key)), 'A after assign to B');
      const owned = await request(s.app).get('/v3/connectors/google').set(as(B.key));
      assert.equal(owned.status, 200);
      assert.equal(owned.body.data.id, app.id, 'the connector keeps its id, so its grants still name it');
      const cred = await request(s.app).get(`/v3/connectors/google/creds/${credential.id}`).set(as(B.key));
      assert.equal(cred.status, 200, 'its credentials moved with it');
      assert.equal((await request(s.app).patch('/v3/connectors/google').set(as(B.key)).send({ name: 'mine now' })).status, 200);
      assert.equal(await s.kit.connectors.get('google'), undefined, 'the app no longer has one');

      const again = await cli(file, 'connectors', 'assign', 'google', '--client', A.id);
      assert.equal(again.code, 1);
      assert.equal((await cli(file, 'connectors', 'serve', 'google')).code, 2, 'serve needs --clients or --all');
    } finally {
      await s.kit.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
