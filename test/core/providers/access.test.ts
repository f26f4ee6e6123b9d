import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { SandboxOAuthServer } from '../../../examples/shared/sandbox-oauth.js';
import { googleProvider, microsoftProvider, type GrantKit } from '../../../src/index.js';
import { makeApp, makeKit, type TestClock } from '../../support/helpers.js';
import { connect, obtainRefreshToken, revokeAtProvider, startProvider, UPSTREAM_CLIENT } from '../../support/providers.js';

const HOUR = 3600 * 1000;

interface Setup {
  kit: GrantKit;
  clock: TestClock;
  app: ReturnType<typeof makeApp>;
  grantId: string;
  token: string;
  rt: string;
}

async function gmailGrant(server: SandboxOAuthServer, email: string): Promise<Setup> {
  const { kit, clock } = makeKit({ providers: [googleProvider({ tokenUrl: server.tokenUrl, timeoutMs: 2000 })] });
  const app = makeApp(kit);
  const rt = await obtainRefreshToken(server, email);
  const res = await connect(app, 'gmail', email, {
    google_client_id: UPSTREAM_CLIENT.id,
    google_client_secret: UPSTREAM_CLIENT.secret,
    google_refresh_token: rt,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { kit, clock, app, grantId: res.grantId!, token: res.token!, rt };
}

/** The provider token is real: the provider's own userinfo endpoint accepts it. */
async function userinfo(server: SandboxOAuthServer, accessToken: string): Promise<{ status: number; email?: string }> {
  const res = await fetch(server.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, ...((await res.json()) as { email?: string }) };
}

describe('kit.providerAccessToken() and kit.providerSettings()', () => {
  let server: SandboxOAuthServer;
  before(async () => {
    server = await startProvider();
  });
  after(async () => {
    await server.close();
  });

  it('refreshes when nothing is cached, serves the cache, and refreshes again once expired', async () => {
    const s = await gmailGrant(server, 'ada@example.com');
    const before = server.stats().refresh;
    const first = await s.kit.providerAccessToken(s.grantId);
    assert.equal(server.stats().refresh - before, 1);
    assert.equal(first.expiresAt, s.clock.now + HOUR);
    const info = await userinfo(server, first.accessToken);
    assert.equal(info.status, 200);
    assert.equal(info.email, 'ada@example.com');

    s.clock.advance(30 * 60 * 1000);
    assert.deepEqual(await s.kit.providerAccessToken(s.grantId), first, 'still fresh: the cached token');
    assert.equal(server.stats().refresh - before, 1);

    s.clock.advance(29 * 60 * 1000 + 1); // within a minute of expiry
    const second = await s.kit.providerAccessToken(s.grantId);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(server.stats().refresh - before, 2);
  });

  it('concurrent callers share one refresh: exactly one upstream call', async () => {
    const s = await gmailGrant(server, 'concurrent@example.com');
    const before = server.stats().refresh;
    const tokens = await Promise.all(Array.from({ length: 25 }, () => s.kit.providerAccessToken(s.grantId)));
    assert.equal(server.stats().refresh - before, 1);
    assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
  });

  it('invalid_grant marks the grant invalid: its tokens then get 401 on guarded routes', async () => {
    const s = await gmailGrant(server, 'revoked@example.com');
    assert.equal((await request(s.app).get('/messages').set('authorization', `Bearer ${s.token}`)).status, 200);
    await revokeAtProvider(server, s.rt);
    await assert.rejects(s.kit.providerAccessToken(s.grantId), (e: { status?: number; code?: string }) => e.status === 401 && e.code === 'provider_auth_failed');
    assert.equal((await s.kit.store.getGrant(s.grantId))?.status, 'invalid');
    const res = await request(s.app).get('/messages').set('authorization', `Bearer ${s.token}`);
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { message: 'Could not verify access credentials.', type: 'api_error' });
    // And the kit refuses to mint for it without asking the provider again.
    const before = server.stats().refresh;
    await assert.rejects(s.kit.providerAccessToken(s.grantId), (e: { status?: number }) => e.status === 401);
    assert.equal(server.stats().refresh, before);
  });

  it('the provider unreachable → 502 provider_error, and the grant stays valid', async () => {
    const own = await startProvider();
    const s = await gmailGrant(own, 'offline@example.com');
    await own.close();
    await assert.rejects(s.kit.providerAccessToken(s.grantId), (e: { status?: number; code?: string }) => e.status === 502 && e.code === 'provider_error');
    assert.equal((await s.kit.store.getGrant(s.grantId))?.status, 'valid');
    assert.equal((await request(s.app).get('/messages').set('authorization', `Bearer ${s.token}`)).status, 200);
  });

  it('an unknown grant → 404', async () => {
    const { kit } = makeKit();
    await assert.rejects(kit.providerAccessToken('no-such-grant'), (e: { status?: number }) => e.status === 404);
  });

  it('a rotated refresh token (Microsoft) is written back, sealed, so the next refresh works', async () => {
    const rotating = await startProvider({ rotateRefreshTokens: true });
    try {
      const { kit, clock, store } = makeKit({ providers: [microsoftProvider({ tokenUrl: rotating.tokenUrl })] });
      const rt = await obtainRefreshToken(rotating, 'grace@example.com', 'offline_access Mail.Read');
      const res = await connect(makeApp(kit), 'office365', 'grace@example.com', {
        microsoft_client_id: UPSTREAM_CLIENT.id,
        microsoft_client_secret: UPSTREAM_CLIENT.secret,
        microsoft_refresh_token: rt,
      });
      assert.equal(res.status, 200);
      const id = res.grantId!;
      const updatedAt = (await store.getGrant(id))!.updatedAt;
      const a = await kit.providerAccessToken(id);
      clock.advance(2 * HOUR);
      const b = await kit.providerAccessToken(id);
      clock.advance(2 * HOUR);
      const c = await kit.providerAccessToken(id);
      assert.equal(new Set([a.accessToken, b.accessToken, c.accessToken]).size, 3);
      const grant = (await store.getGrant(id))!;
      assert.equal(grant.status, 'valid');
      assert.equal(grant.updatedAt, updatedAt, 'a credential rotation is not a grant update');
      assert.ok(!JSON.stringify(store.dump()).includes('sbx_rt_'), 'refresh tokens stay sealed');
    } finally {
      await rotating.close();
    }
  });

  it('v3: a connector-made grant refreshes with the connector\'s client at its token URL', async (t) => {
    const { kit, store } = makeKit();
    const connectors = (kit as Partial<Pick<GrantKit & { connectors: unknown }, 'connectors'>>).connectors as
      | { create(input: Record<string, unknown>): Promise<unknown> }
      | undefined;
    if (connectors === undefined) return t.skip('the connector model is not wired into the kit');
    await connectors.create({
      provider: 'google',
      clientId: UPSTREAM_CLIENT.id,
      clientSecret: UPSTREAM_CLIENT.secret,
      endpoints: { tokenUrl: server.tokenUrl, authorizationUrl: server.authorizationUrl, userinfoUrl: server.userinfoUrl },
    });
    const rt = await obtainRefreshToken(server, 'v3@example.com');
    const now = kit.now();
    const id = 'grant-v3';
    await store.putGrant({
      id,
      clientId: 'test-client',
      provider: 'google',
      email: 'v3@example.com',
      name: '',
      scopes: ['email.read_only'],
      status: 'valid',
      settings: kit.keyring.seal(JSON.stringify({ refresh_token: rt, $grantkit: { verified: true } }), id),
      createdAt: now,
      updatedAt: now,
    });
    const token = await kit.providerAccessToken(id);
    assert.equal((await userinfo(server, token.accessToken)).email, 'v3@example.com');
  });

  it('hosted OAuth grants: the sealed sign-in token is used while fresh, then the connector (found by its id) refreshes', async (t) => {
    const { kit, store, clock } = makeKit();
    const connectors = (kit as Partial<Pick<GrantKit & { connectors: unknown }, 'connectors'>>).connectors as
      | { create(input: Record<string, unknown>): Promise<{ id: string }> }
      | undefined;
    if (connectors === undefined) return t.skip('the connector model is not wired into the kit');
    const connector = await connectors.create({
      provider: 'google',
      clientId: UPSTREAM_CLIENT.id,
      clientSecret: UPSTREAM_CLIENT.secret,
      endpoints: { tokenUrl: server.tokenUrl, authorizationUrl: server.authorizationUrl, userinfoUrl: server.userinfoUrl },
    });
    const rt = await obtainRefreshToken(server, 'hosted@example.com');
    const now = kit.now();
    const id = 'grant-hosted';
    await store.putGrant({
      id,
      clientId: 'test-client',
      provider: 'gmail', // a v2 hosted grant of the google connector
      email: 'hosted@example.com',
      name: '',
      scopes: ['email.read_only'],
      status: 'valid',
      settings: kit.keyring.seal(
        JSON.stringify({ access_token: 'from-sign-in', access_token_expires_at: now + HOUR, refresh_token: rt, $grantkit: { verified: true, connectorId: connector.id } }),
        id,
      ),
      createdAt: now,
      updatedAt: now,
    });
    const before = server.stats().refresh;
    assert.deepEqual(await kit.providerAccessToken(id), { accessToken: 'from-sign-in', expiresAt: now + HOUR });
    assert.equal(server.stats().refresh, before);
    clock.advance(HOUR);
    const fresh = await kit.providerAccessToken(id);
    assert.equal(server.stats().refresh - before, 1);
    assert.equal((await userinfo(server, fresh.accessToken)).email, 'hosted@example.com');
  });

  it('providerSettings() refuses an OAuth grant', async () => {
    const s = await gmailGrant(server, 'oauth-only@example.com');
    await assert.rejects(s.kit.providerSettings(s.grantId), (e: { status?: number }) => e.status === 400);
  });
});
