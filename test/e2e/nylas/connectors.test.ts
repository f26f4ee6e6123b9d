import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createLocalJWKSet, exportJWK, jwtVerify, type JWK } from 'jose';
import { NylasApiError, CredentialType } from 'nylas';
import { API_KEY, rejection, startV3App, type V3App } from '../../support/v3-app.js';

/** A stand-in for Google's and Microsoft's token and userinfo endpoints, on loopback. */
async function fakeProvider(publicJwk: JWK) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const jwks = createLocalJWKSet({ keys: [{ ...publicJwk, alg: 'RS256', kid: 'kid1' }] });
  app.post('/token', async (req, res) => {
    const b = req.body as Record<string, string>;
    if (b['grant_type'] === 'refresh_token') {
      if (b['refresh_token'] === 'good-refresh' && b['client_id'] === 'gcid' && b['client_secret'] === 'gsecret') {
        return res.json({ access_token: 'provider-at', scope: 'https://www.googleapis.com/auth/gmail.readonly openid' });
      }
      return res.status(400).json({ error: 'invalid_grant' });
    }
    if (b['grant_type'] === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      try {
        const { payload } = await jwtVerify(b['assertion']!, jwks, { issuer: 'sa@project.iam.gserviceaccount.com' });
        if (payload.sub === 'denied@corp.example') return res.status(401).json({ error: 'unauthorized_client' });
        return res.json({ access_token: 'sa-at' });
      } catch {
        return res.status(400).json({ error: 'invalid_grant' });
      }
    }
    if (b['grant_type'] === 'client_credentials' && b['client_secret'] === 'ms-secret') return res.json({ access_token: 'app-at' });
    return res.status(401).json({ error: 'invalid_client' });
  });
  app.get('/userinfo', (req, res) => {
    if (req.headers.authorization !== 'Bearer provider-at') return res.status(401).end();
    return res.json({ email: 'ivy@gmail.com', name: 'Ivy' });
  });
  const server = await new Promise<import('node:http').Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('v3 connectors, credentials and bulk grants (official SDK)', () => {
  let a: V3App;
  let provider: Awaited<ReturnType<typeof fakeProvider>>;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccount = {
    type: 'service_account',
    project_id: 'p',
    private_key_id: 'kid1',
    private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'sa@project.iam.gserviceaccount.com',
    client_id: '1',
  };

  before(async () => {
    provider = await fakeProvider(await exportJWK(keys.publicKey));
    a = await startV3App({
      providerEndpoints: {
        google: { tokenUrl: `${provider.url}/token`, userinfoUrl: `${provider.url}/userinfo` },
        microsoft: { tokenUrl: `${provider.url}/token?tenant={tenant}` },
      },
      providerTimeoutMs: 2000,
    });
  });
  after(async () => {
    await a.close();
    provider.close();
  });

  it('connectors.create / list / find / update (PUT) / destroy, secrets never echoed', async () => {
    const created = await a.nylas.connectors.create({
      requestBody: { name: 'MS', provider: 'microsoft', settings: { clientId: 'ms-cid', clientSecret: 'ms-secret', tenant: 'contoso' }, scope: ['Mail.Read'] },
    });
    assert.equal(created.data.provider, 'microsoft');
    assert.deepEqual(created.data.scope, ['Mail.Read']);
    assert.equal(JSON.stringify(created).includes('ms-secret'), false);
    assert.equal((await a.nylas.connectors.list({})).data.length, 1);
    const found = await a.nylas.connectors.find({ provider: 'microsoft' });
    assert.equal((found.data.settings as Record<string, string>)['clientId'], 'ms-cid');
    const updated = await a.nylas.connectors.update({ provider: 'microsoft', requestBody: { name: 'MS 2', scope: ['Mail.Read', 'User.Read'] } });
    assert.deepEqual(updated.data.scope, ['Mail.Read', 'User.Read']);
    const patched = await fetch(`${a.url}/v3/integrations/microsoft`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'MS 3' }),
    });
    assert.equal(patched.status, 200);
    const dup = await rejection(a.nylas.connectors.create({ requestBody: { name: 'x', provider: 'microsoft', settings: { clientId: 'a', clientSecret: 'b' } } }));
    assert.equal((dup as unknown as NylasApiError).statusCode, 409);
    const missing = await rejection(a.nylas.connectors.find({ provider: 'zoom' as never }));
    assert.ok(missing instanceof NylasApiError);
    assert.equal(missing.statusCode, 404);
    const badSettings = await rejection(a.nylas.connectors.create({ requestBody: { name: 'g', provider: 'google', settings: { clientId: 'x' } as never } }));
    assert.equal((badSettings as unknown as NylasApiError).statusCode, 400);
  });

  it('credentials.create / list / find / update / destroy; data never echoed; active one cannot go', async () => {
    const cred = await a.nylas.connectors.credentials.create({
      provider: 'microsoft',
      requestBody: { name: 'consent', credentialType: CredentialType.ADMINCONSENT, credentialData: { clientId: 'ms-cid', clientSecret: 'ms-secret' } },
    });
    assert.equal(cred.data.credentialType, 'adminconsent');
    assert.equal(JSON.stringify(cred).includes('ms-secret'), false);
    const same = await a.nylas.connectors.credentials.create({
      provider: 'microsoft',
      requestBody: { name: 'consent', credentialType: CredentialType.ADMINCONSENT, credentialData: { clientId: 'ms-cid', clientSecret: 'ms-secret' } },
    });
    assert.equal(same.data.id, cred.data.id);
    assert.equal((await a.nylas.connectors.credentials.list({ provider: 'microsoft' })).data.length, 1);
    assert.equal((await a.nylas.connectors.credentials.find({ provider: 'microsoft', credentialsId: cred.data.id })).data.name, 'consent');
    const renamed = await a.nylas.connectors.credentials.update({ provider: 'microsoft', credentialsId: cred.data.id, requestBody: { name: 'consent-2' } });
    assert.equal(renamed.data.name, 'consent-2');
    await a.nylas.connectors.update({ provider: 'microsoft', requestBody: { activeCredentialId: cred.data.id } as never });
    const busy = await rejection(a.nylas.connectors.credentials.destroy({ provider: 'microsoft', credentialsId: cred.data.id }));
    assert.equal((busy as unknown as NylasApiError).statusCode, 400);
    const wrongType = await rejection(
      a.nylas.connectors.credentials.create({
        provider: 'microsoft',
        requestBody: { name: 'sa', credentialType: CredentialType.SERVICEACCOUNT, credentialData: serviceAccount as never },
      }),
    );
    assert.equal((wrongType as unknown as NylasApiError).statusCode, 400);
    const missing = await rejection(a.nylas.connectors.credentials.find({ provider: 'microsoft', credentialsId: 'nope' }));
    assert.equal((missing as unknown as NylasApiError).statusCode, 404);
  });

  it('Microsoft bulk grant through admin consent, verified at the token endpoint', async () => {
    const [cred] = (await a.nylas.connectors.credentials.list({ provider: 'microsoft' })).data;
    const g = await a.nylas.auth.customAuthentication({
      requestBody: { provider: 'microsoft', settings: { emailAddress: 'room@contoso.example', credentialId: cred!.id } as never },
    });
    assert.equal(g.data.email, 'room@contoso.example');
    assert.deepEqual(g.data.scope, ['Mail.Read', 'User.Read']);
    assert.equal((g.data as unknown as { verified: boolean }).verified, true);
  });

  it('Google bulk grant: a service-account JWT checked by the provider; refused user → 401; offline → unverified', async () => {
    await a.nylas.connectors.create({
      requestBody: { name: 'G', provider: 'google', settings: { clientId: 'gcid', clientSecret: 'gsecret' }, scope: ['https://www.googleapis.com/auth/calendar'] },
    });
    const sa = await a.nylas.connectors.credentials.create({
      provider: 'google',
      requestBody: { name: 'sa', credentialType: CredentialType.SERVICEACCOUNT, credentialData: serviceAccount as never },
    });
    const ok = await a.nylas.auth.customAuthentication({
      requestBody: { provider: 'google', settings: { emailAddress: 'ann@corp.example', credentialId: sa.data.id } as never },
    });
    assert.deepEqual(ok.data.scope, ['https://www.googleapis.com/auth/calendar']);
    assert.equal((ok.data as unknown as { verified: boolean }).verified, true);
    const denied = await rejection(
      a.nylas.auth.customAuthentication({ requestBody: { provider: 'google', settings: { emailAddress: 'denied@corp.example', credentialId: sa.data.id } as never } }),
    );
    assert.equal((denied as unknown as NylasApiError).statusCode, 401);

    const offline = await startV3App({ providerEndpoints: { google: { tokenUrl: 'http://127.0.0.1:9/token' } }, providerTimeoutMs: 1000 });
    try {
      await offline.nylas.connectors.create({ requestBody: { name: 'G', provider: 'google', settings: { clientId: 'a', clientSecret: 'b' }, scope: ['s'] } });
      const c = await offline.nylas.connectors.credentials.create({
        provider: 'google',
        requestBody: { name: 'sa', credentialType: CredentialType.SERVICEACCOUNT, credentialData: serviceAccount as never },
      });
      const g = await offline.nylas.auth.customAuthentication({
        requestBody: { provider: 'google', settings: { emailAddress: 'ann@corp.example', credentialId: c.data.id } as never },
      });
      assert.equal((g.data as unknown as { verified: boolean }).verified, false);
    } finally {
      await offline.close();
    }
  });

  it('custom auth with a Google refresh token: refreshed at the token endpoint, email from userinfo', async () => {
    const g = await a.nylas.auth.customAuthentication({ requestBody: { provider: 'google', settings: { refreshToken: 'good-refresh' } } });
    assert.equal(g.data.email, 'ivy@gmail.com');
    assert.deepEqual(g.data.scope, ['https://www.googleapis.com/auth/gmail.readonly', 'openid']);
    const bad = await rejection(a.nylas.auth.customAuthentication({ requestBody: { provider: 'google', settings: { refreshToken: 'bad' } } }));
    assert.equal((bad as unknown as NylasApiError).statusCode, 401);
  });

  it('deleting a connector makes its grants stop working', async () => {
    const grant = (await a.nylas.grants.list({ queryParams: { email: 'ivy@gmail.com' } })).data[0]!;
    const before = await fetch(`${a.url}/v3/grants/${grant.id}/messages`, { headers: { authorization: `Bearer ${API_KEY}` } });
    // The grant resolves (200, or 403 where Google scopes do not bridge to the v2 guard): not 401/404.
    assert.ok(before.status === 200 || before.status === 403, String(before.status));
    await a.nylas.connectors.destroy({ provider: 'google' });
    const afterDelete = await fetch(`${a.url}/v3/grants/${grant.id}/messages`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(afterDelete.status, 401);
    assert.equal((await a.nylas.grants.find({ grantId: grant.id })).data.grantStatus, 'invalid');
    const gone = await rejection(a.nylas.connectors.credentials.list({ provider: 'google' }));
    assert.equal((gone as unknown as NylasApiError).statusCode, 404);
  });
});
