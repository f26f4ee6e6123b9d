import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import express from 'express';
import pg from 'pg';
import { grantkit } from '../../../adapters/express/index.js';
import { startSandboxOAuthServer, type SandboxOAuthServer } from '../../../examples/shared/sandbox-oauth.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../../../src/crypto/tokens.js';
import type { GrantKit, GrantRecord, MemoryStore } from '../../../src/index.js';
import { v2ScopeGraph } from '../../../src/scopes/graph.js';
import { GOOGLE_PREFIX } from '../../../src/scopes/provider-google.js';
import { Browser, sandboxSignIn } from '../../support/oauth-harness.js';
import { CLIENT_ID, CLIENT_SECRET, makeKit, nativeToken } from '../../support/helpers.js';
import { SqliteStore } from '../../../src/store/sql/sqlite.js';
import { PostgresStore } from '../../../src/store/sql/postgres.js';
import { RedisStore } from '../../../src/store/redis/store.js';
import { deleteKeys, dropSchema, postgresUrl, probePostgres, probeRedis, redisUrl, firstReleaseSchema } from '../../support/servers.js';

/**
 * The same scope name means different things in the two vocabularies: in v2 Nylas scopes `email`
 * is the full mailbox, in v3 connector scopes it is the OpenID identity scope, like `openid`,
 * `profile` and `offline_access`. A grant is read in the vocabulary it was granted in.
 */

const APP_CALLBACK = 'http://127.0.0.1:9/callback';
const UPSTREAM = { id: 'upstream-client', secret: 'upstream-secret' } as const;

describe('the scope graph reads a grant in its vocabulary (one table)', () => {
  // [vocabulary, the grant's scopes, a guard's scope, satisfied?]
  const table: ReadonlyArray<readonly ['v2' | 'v3', readonly string[], string, boolean]> = [
    // v2: the superscope `email` is the full mailbox.
    ['v2', ['email'], 'email.send', true],
    ['v2', ['email'], 'email.modify', true],
    ['v2', ['email'], 'email.read_only', true],
    ['v2', ['email'], 'email', true],
    // v3: the OpenID identity scopes satisfy no guard, `email` included.
    ['v3', ['email'], 'email.send', false],
    ['v3', ['email'], 'email.modify', false],
    ['v3', ['email'], 'email.read_only', false],
    ['v3', ['email'], 'email.metadata', false],
    ['v3', ['email'], 'email', false],
    ['v3', ['openid', 'email', 'profile', 'offline_access'], 'email.send', false],
    ['v3', ['openid', 'email', 'profile', 'offline_access'], 'email.metadata', false],
    ['v3', ['openid', 'email', 'profile', 'offline_access'], 'contacts.read_only', false],
    // Nylas-named data scopes keep their meaning in both vocabularies.
    ['v3', ['email.read_only'], 'email.read_only', true],
    ['v3', ['email.read_only'], 'email.metadata', true],
    ['v3', ['email.read_only'], 'email.modify', false],
    ['v3', ['openid', 'email', 'email.modify'], 'email.read_only', true],
    ['v3', ['openid', 'email', 'email.modify'], 'email.send', false],
    ['v3', ['calendar'], 'calendar.read_only', true],
    ['v3', ['contacts.read_only'], 'contacts.read_only', true],
    ['v2', ['email.read_only'], 'email.metadata', true],
    // Provider scopes too.
    ['v3', [`${GOOGLE_PREFIX}gmail.readonly`], 'email.read_only', true],
    ['v3', ['https://mail.google.com/'], 'email.send', true],
    ['v3', ['Mail.Send'], 'email.send', true],
  ];
  for (const [vocabulary, granted, scope, expected] of table) {
    it(`${vocabulary} [${granted.join(' ')}] ${expected ? 'satisfies' : 'does not satisfy'} ${scope}`, () => {
      assert.equal(v2ScopeGraph.satisfies(granted, scope, vocabulary), expected);
    });
  }

  it('the same list in two vocabularies gets two masks, not one cached for both', () => {
    assert.equal(v2ScopeGraph.satisfies(['email'], 'email.send', 'v3'), false);
    assert.equal(v2ScopeGraph.satisfies(['email'], 'email.send', 'v2'), true);
    assert.equal(v2ScopeGraph.satisfies(['email'], 'email.send', 'v3'), false);
  });

  it('a scope name with a space in it is not read as two scopes', () => {
    assert.equal(v2ScopeGraph.satisfies(['email.modify', 'x'], 'email.modify', 'v3'), true);
    assert.equal(v2ScopeGraph.satisfies(['email.modify x'], 'email.modify', 'v3'), false);
  });
});

/** What each kind of mailbox access answers for a credential: the status of one route per kind. */
interface Access {
  readonly read: number;
  readonly modify: number;
  readonly delete: number;
  readonly send: number;
}

const NONE: Access = { read: 403, modify: 403, delete: 403, send: 403 };
const FULL: Access = { read: 200, modify: 200, delete: 200, send: 200 };

describe('grants are read in the vocabulary they were granted in', () => {
  let sandbox: SandboxOAuthServer;
  let server: Server;
  let base: string;
  let kit: GrantKit;
  let store: MemoryStore;
  let apiKey: string;
  let oauth2ConnectorId: string;

  before(async () => {
    const app = express();
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The example's sandbox provider, which grants whatever scopes were asked for.
    sandbox = await startSandboxOAuthServer({
      clients: [{ id: UPSTREAM.id, secret: UPSTREAM.secret, redirectUris: [`${base}/oauth/callback/google`, `${base}/oauth/callback/oauth2`] }],
    });
    ({ kit, store } = makeKit({
      clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, callbackUris: [APP_CALLBACK] }],
      hostedOAuth: { publicUrl: base },
    }));
    const endpoints = { authorizationUrl: sandbox.authorizationUrl, tokenUrl: sandbox.tokenUrl, userinfoUrl: sandbox.userinfoUrl };
    await kit.connectors.create({ provider: 'google', clientId: UPSTREAM.id, clientSecret: UPSTREAM.secret, endpoints });
    oauth2ConnectorId = (await kit.connectors.create({ provider: 'oauth2', clientId: UPSTREAM.id, clientSecret: UPSTREAM.secret, endpoints })).id;
    apiKey = (await kit.apiKeys.create({ label: 'test' })).key;
    const gk = grantkit(kit);
    app.use(gk.routes());
    // The v2 endpoint table guards the app's routes, and the same routes under /v3/grants/{grant}.
    const gate = gk.gate();
    const ok = (_req: express.Request, res: express.Response): void => void res.json({ ok: true });
    for (const prefix of ['', '/v3/grants/:grant']) {
      app.get(`${prefix}/messages`, gate, ok);
      app.put(`${prefix}/messages/:id`, gate, ok);
      app.delete(`${prefix}/messages/:id`, gate, ok);
      app.post(`${prefix}/send`, gate, ok);
    }
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await sandbox.close();
    await kit.close();
  });

  async function access(authorization: string, prefix = ''): Promise<Access> {
    const call = async (method: string, path: string): Promise<number> => {
      const res = await fetch(`${base}${prefix}${path}`, { method, headers: { authorization } });
      await res.arrayBuffer();
      return res.status;
    };
    return {
      read: await call('GET', '/messages'),
      modify: await call('PUT', '/messages/m1'),
      delete: await call('DELETE', '/messages/m1'),
      send: await call('POST', '/send'),
    };
  }

  /** A v3 hosted sign-in through the example's sandbox (the `oauth2` connector) with these scopes. */
  async function hostedV3(scope: string, email: string): Promise<{ accessToken: string; grantId: string; scope: string }> {
    const q = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'oauth2', scope });
    const code = (await sandboxSignIn(new Browser(), `${base}/v3/connect/auth?${q}`, email)).get('code');
    assert.ok(code);
    const res = await fetch(`${base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: APP_CALLBACK, grant_type: 'authorization_code', code }),
    });
    const body = (await res.json()) as { access_token: string; grant_id: string; scope: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return { accessToken: body.access_token, grantId: body.grant_id, scope: body.scope };
  }

  /** An access token for a grant, as grantkit stores one. */
  async function tokenFor(grant: GrantRecord): Promise<string> {
    const secret = newSecret(TOKEN_PREFIX.access);
    await store.putToken({ hash: hashSecret(secret), kind: 'access', clientId: grant.clientId, grantId: grant.id, family: null, createdAt: kit.now(), expiresAt: null, data: null });
    return secret;
  }

  /** A grant as stored before grants recorded their vocabulary (no `scopeVocabulary`). */
  async function olderGrant(over: { provider: string; scopes: readonly string[]; meta: Record<string, unknown> | null; sealedFor?: string }): Promise<GrantRecord> {
    const id = randomUUID();
    const settings = { refresh_token: 'provider-refresh-token', ...(over.meta ? { $grantkit: over.meta } : {}) };
    const grant: GrantRecord = {
      id,
      clientId: CLIENT_ID,
      provider: over.provider,
      email: `${id}@example.com`,
      name: '',
      scopes: over.scopes,
      status: 'valid',
      settings: kit.keyring.seal(JSON.stringify(settings), over.sealedFor ?? id),
      createdAt: kit.now(),
      updatedAt: kit.now(),
    };
    await store.putGrant(grant);
    return grant;
  }

  it('a hosted v3 sign-in with `openid email profile` passes no read, modify, delete or send guard', async () => {
    const { accessToken, grantId, scope } = await hostedV3('openid email profile', 'openid-user@example.com');
    // Literal on the wire, as Nylas returns them.
    assert.equal(scope, 'openid email profile');
    assert.deepEqual((await kit.store.getGrant(grantId))?.scopes, ['openid', 'email', 'profile']);
    assert.deepEqual(await access(`Bearer ${accessToken}`), NONE);
    assert.deepEqual(await access(`Bearer ${accessToken}`, '/v3/grants/me'), NONE);
    assert.deepEqual(await access(`Bearer ${apiKey}`, `/v3/grants/${grantId}`), NONE);
  });

  it('a hosted v3 sign-in with `email` alone gets no mailbox access', async () => {
    const { accessToken, scope } = await hostedV3('email', 'bare-email@example.com');
    assert.equal(scope, 'email');
    assert.deepEqual(await access(`Bearer ${accessToken}`), NONE);
  });

  it('Nylas-named data scopes keep their meaning on an oauth2-connector grant, beside identity scopes', async () => {
    const readOnly = await hostedV3('openid email profile email.read_only', 'reader@example.com');
    assert.deepEqual(await access(`Bearer ${readOnly.accessToken}`), { read: 200, modify: 403, delete: 403, send: 403 });
    const sandboxDefault = await hostedV3('email.read_only calendar.read_only contacts.read_only', 'sandbox-default@example.com');
    assert.deepEqual(await access(`Bearer ${sandboxDefault.accessToken}`), { read: 200, modify: 403, delete: 403, send: 403 });
    const sender = await hostedV3('email email.modify email.send', 'sender@example.com');
    assert.deepEqual(await access(`Bearer ${sender.accessToken}`), FULL);
  });

  it('the v2 superscope `email` keeps full mailbox access on a native v2 grant', async () => {
    const app = express();
    app.use(grantkit(kit).routes());
    const { token } = await nativeToken(app, { email: 'native-v2@example.com', scopes: 'email' });
    assert.deepEqual(await access(`Bearer ${token}`), FULL);
  });

  it('the v2 superscope `email` keeps full mailbox access on a hosted v2 grant', async () => {
    const q = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'gmail', scopes: 'email' });
    const code = (await sandboxSignIn(new Browser(), `${base}/oauth/authorize?${q}`, 'hosted-v2@example.com')).get('code');
    assert.ok(code);
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code }),
    });
    const body = (await res.json()) as { access_token: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(await access(`Bearer ${body.access_token}`), FULL);
  });

  it('v3 custom authentication without a connector takes the closed Nylas vocabulary, where `email` is the mailbox', async () => {
    const res = await fetch(`${base}/v3/connect/custom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ provider: 'sandbox', settings: { email: 'custom-v2@example.com', password: 'sandbox' }, scope: ['email'] }),
    });
    const body = (await res.json()) as { data: { id: string } };
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.deepEqual(await access(`Bearer ${apiKey}`, `/v3/grants/${body.data.id}`), FULL);
    // OpenID names are not in that vocabulary: a 400 that names the scope.
    const openid = await fetch(`${base}/v3/connect/custom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ provider: 'sandbox', settings: { email: 'custom-openid@example.com', password: 'sandbox' }, scope: ['openid', 'email'] }),
    });
    assert.equal(openid.status, 400);
    assert.match(await openid.text(), /openid/);
  });

  it('an existing v3 grant (made through a connector) that holds a bare `email` loses mailbox access', async () => {
    const grant = await olderGrant({ provider: 'oauth2', scopes: ['email'], meta: { verified: true, connectorId: oauth2ConnectorId } });
    assert.deepEqual(await access(`Bearer ${await tokenFor(grant)}`), NONE);
    assert.deepEqual(await access(`Bearer ${apiKey}`, `/v3/grants/${grant.id}`), NONE);
    // Its other data scopes keep working.
    const mixed = await olderGrant({ provider: 'google', scopes: ['email', 'email.read_only'], meta: { verified: true, connectorId: 'google-connector' } });
    assert.deepEqual(await access(`Bearer ${await tokenFor(mixed)}`), { read: 200, modify: 403, delete: 403, send: 403 });
  });

  it('an existing grant holding an OpenID scope is a v3 grant without opening its settings', async () => {
    const grant = await olderGrant({ provider: 'sandbox', scopes: ['openid', 'email'], meta: null });
    assert.deepEqual(await access(`Bearer ${await tokenFor(grant)}`), NONE);
  });

  it('an existing grant whose settings cannot be opened reads as v3, the reading that grants less', async () => {
    const grant = await olderGrant({ provider: 'sandbox', scopes: ['email'], meta: null, sealedFor: 'another-grant' });
    assert.deepEqual(await access(`Bearer ${await tokenFor(grant)}`), NONE);
  });

  it('existing v2 grants that hold `email` keep full mailbox access', async () => {
    // The v2 /connect/* flow: no connector, nothing recorded in the settings.
    const native = await olderGrant({ provider: 'sandbox', scopes: ['email', 'calendar', 'contacts'], meta: null });
    assert.deepEqual(await access(`Bearer ${await tokenFor(native)}`), FULL);
    // v2 hosted sign-in: a `gmail` grant, made through the google connector.
    const hosted = await olderGrant({ provider: 'gmail', scopes: ['email'], meta: { verified: true, connectorId: 'google-connector' } });
    assert.deepEqual(await access(`Bearer ${await tokenFor(hosted)}`), FULL);
    // v3 custom authentication without a connector: the closed Nylas vocabulary.
    const custom = await olderGrant({ provider: 'sandbox', scopes: ['email'], meta: { verified: true } });
    assert.deepEqual(await access(`Bearer ${await tokenFor(custom)}`), FULL);
  });

  it('narrowing an existing grant with PATCH keeps its vocabulary, and records it', async () => {
    const v3 = await olderGrant({ provider: 'oauth2', scopes: ['email', 'email.read_only', 'calendar'], meta: { verified: true, connectorId: oauth2ConnectorId } });
    const v2 = await olderGrant({ provider: 'sandbox', scopes: ['email', 'calendar'], meta: null });
    for (const [grant, scope] of [[v3, ['email', 'calendar']], [v2, ['email']]] as const) {
      const res = await fetch(`${base}/v3/grants/${grant.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ scope }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    assert.equal((await store.getGrant(v3.id))?.scopeVocabulary, 'v3');
    assert.equal((await store.getGrant(v2.id))?.scopeVocabulary, 'v2');
    assert.deepEqual(await access(`Bearer ${apiKey}`, `/v3/grants/${v3.id}`), NONE);
    assert.deepEqual(await access(`Bearer ${apiKey}`, `/v3/grants/${v2.id}`), FULL);
  });

  it('every flow records the vocabulary, and req.grant tells it', async () => {
    const hosted = await hostedV3('openid email.read_only', 'records@example.com');
    assert.equal((await store.getGrant(hosted.grantId))?.scopeVocabulary, 'v3');
    const outcome = await kit.authenticate(`Bearer ${hosted.accessToken}`, '/messages');
    assert.ok(!(outcome instanceof Error));
    assert.equal(outcome.scopeVocabulary, 'v3');
    const app = express();
    app.use(grantkit(kit).routes());
    const native = await nativeToken(app, { email: 'records-v2@example.com', scopes: 'email.read_only' });
    assert.equal((await store.getGrant(native.accountId))?.scopeVocabulary, 'v2');
  });
});

// With CI set these run (and fail without the servers); elsewhere they skip when a server is not there.
const postgresSkip = await probePostgres();
const redisSkip = await probeRedis();

describe('stores holding grants from before grants recorded their vocabulary', () => {
  const older = (id: string): GrantRecord => ({
    id,
    clientId: CLIENT_ID,
    provider: 'sandbox',
    email: `${id}@example.com`,
    name: '',
    scopes: ['email'],
    status: 'valid',
    settings: null,
    createdAt: 1,
    updatedAt: 1,
  });

  it('SQLite: a database made before the column opens (twice), reads its grants without a vocabulary, and keeps new ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantkit-vocab-'));
    const filename = join(dir, 'old.db');
    try {
      // The grants table as earlier versions made it, with one grant in it.
      const db = new BetterSqlite3(filename);
      db.exec(`CREATE TABLE grantkit_grants (id TEXT PRIMARY KEY, client_id TEXT NOT NULL, provider TEXT NOT NULL, email TEXT NOT NULL,
        email_lower TEXT NOT NULL, name TEXT NOT NULL, scopes TEXT NOT NULL, status TEXT NOT NULL, settings TEXT,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
      db.prepare(`INSERT INTO grantkit_grants VALUES ('old', ?, 'sandbox', 'old@example.com', 'old@example.com', '', '["email"]', 'valid', NULL, 1, 1)`).run(CLIENT_ID);
      db.close();
      for (let open = 0; open < 2; open++) {
        const store = new SqliteStore({ filename });
        try {
          assert.deepEqual(await store.getGrant('old'), older('old'));
          const fresh: GrantRecord = { ...older(`new-${open}`), scopeVocabulary: 'v3' };
          await store.putGrant(fresh);
          assert.deepEqual(await store.getGrant(fresh.id), fresh);
        } finally {
          await store.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: the appended migration adds the column; grants stored before it read without a vocabulary', { skip: postgresSkip }, async () => {
    const schema = `gk_vocab_${randomUUID().slice(0, 8)}`;
    const store = new PostgresStore({ connectionString: postgresUrl, schema });
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      // A database at the previous release: migrations 1 and 2 applied, holding one grant.
      await firstReleaseSchema(client, schema);
      await client.query(
        `INSERT INTO grantkit_grants (id, client_id, provider, email, email_lower, name, scopes, status, settings, created_at, updated_at)
         VALUES ('old', $1, 'sandbox', 'old@example.com', 'old@example.com', '', ARRAY['email'], 'valid', NULL, 1, 1)`,
        [CLIENT_ID],
      );
      const applied = await store.migrate();
      assert.ok(Array.isArray(applied) && applied.includes('grant scope vocabulary'));
      assert.deepEqual(await store.getGrant('old'), older('old'));
      const fresh: GrantRecord = { ...older('new'), scopeVocabulary: 'v2' };
      await store.putGrant(fresh);
      assert.deepEqual(await store.getGrant('new'), fresh);
    } finally {
      await client.end();
      await store.close();
      await dropSchema(schema);
    }
  });

  it('Redis: a grant written without the field reads back without it', { skip: redisSkip }, async () => {
    const prefix = `gk_vocab_${randomUUID().slice(0, 8)}:`;
    const store = new RedisStore({ url: redisUrl, prefix });
    try {
      const old = older('old');
      await store.putGrant(old);
      const back = await store.getGrant('old');
      assert.deepEqual(back, old);
      const fresh: GrantRecord = { ...older('new'), scopeVocabulary: 'v3' };
      await store.putGrant(fresh);
      assert.deepEqual(await store.getGrant('new'), fresh);
    } finally {
      await store.close();
      await deleteKeys(prefix);
    }
  });
});
