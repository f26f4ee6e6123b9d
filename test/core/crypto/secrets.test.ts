import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { Keyring, KeyringError, sandboxProvider, type NativeProvider } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit } from '../../support/helpers.js';

/** A provider that keeps a refresh token and a password, so both must show up sealed. */
const refreshingProvider: NativeProvider = {
  name: 'gmail',
  organizationUnit: 'label',
  async verify({ email, settings }) {
    return { email, settings: { google_refresh_token: settings['google_refresh_token'], password: settings['password'] } };
  },
};

describe('secrets at rest and in responses', () => {
  it('no token, code, password or refresh token appears in the store, or in any response but the one that issues it', async () => {
    const { kit, store } = makeKit({ providers: [sandboxProvider(), refreshingProvider] });
    const app = makeApp(kit);
    const refreshToken = '1//refresh-token-that-must-stay-secret';
    const password = 'a-password-that-must-stay-secret';
    const responses: Array<{ text: string; headers: unknown }> = [];
    const keep = (r: request.Response): request.Response => {
      responses.push({ text: r.text, headers: r.headers });
      return r;
    };
    const auth = keep(
      await request(app)
        .post('/connect/authorize')
        .send({
          client_id: CLIENT_ID,
          email_address: 'ada@example.com',
          provider: 'gmail',
          settings: { google_refresh_token: refreshToken, password },
          scopes: 'email.read_only',
        }),
    );
    const code = auth.body.code as string;
    const tok = keep(await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code }));
    const token = tok.body.access_token as string;
    keep(await request(app).get('/account').set('authorization', `Bearer ${token}`));
    keep(await request(app).get('/messages').set('authorization', `Bearer ${token}`));
    keep(await request(app).put('/messages/1').set('authorization', `Bearer ${token}`));
    keep(await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code }));
    keep(await request(app).post(`/a/${CLIENT_ID}/accounts/${tok.body.id}/token-info`).auth(CLIENT_SECRET, '').send({ access_token: token }));

    const dump = JSON.stringify(store.dump());
    for (const secret of [code, token, refreshToken, password, CLIENT_SECRET]) {
      assert.ok(!dump.includes(secret), 'store dump holds a secret in plaintext');
    }
    // Only the issuing responses carry the code and the token.
    responses.forEach((r, i) => {
      const text = JSON.stringify(r);
      assert.equal(text.includes(code), i === 0, `response ${i} and the code`);
      assert.equal(text.includes(token), i === 1, `response ${i} and the token`);
      assert.ok(!text.includes(refreshToken) && !text.includes(password), `response ${i} leaks a provider secret`);
    });
    // The sealed settings open with the grant id as additional data, and only with it.
    const grant = (await store.listGrants({}))[0]!;
    const opened = JSON.parse(kit.keyring.open(grant.settings!, grant.id)) as Record<string, string>;
    assert.equal(opened['google_refresh_token'], refreshToken);
    assert.throws(() => kit.keyring.open(grant.settings!, 'another-grant'), KeyringError);
  });
});

describe('Keyring (AES-256-GCM under rotatable keys)', () => {
  const a = 'a'.repeat(32);
  const b = 'b'.repeat(32);

  it('seals with a fresh IV each time and opens what it sealed', () => {
    const ring = new Keyring([a]);
    const x = ring.seal('secret', 'id-1');
    const y = ring.seal('secret', 'id-1');
    assert.notEqual(x, y);
    assert.equal(ring.open(x, 'id-1'), 'secret');
    assert.equal(Keyring.keyIdOf(x), ring.currentKeyId);
  });

  it('detects tampering with the ciphertext, the tag, the IV or the additional data', () => {
    const ring = new Keyring([a]);
    const sealed = ring.seal('secret', 'id-1');
    const parts = sealed.split('.');
    for (const i of [2, 3, 4]) {
      const bad = [...parts];
      const raw = Buffer.from(bad[i]!, 'base64url');
      raw[0]! ^= 1;
      bad[i] = raw.toString('base64url');
      assert.throws(() => ring.open(bad.join('.'), 'id-1'), KeyringError, `part ${i}`);
    }
    assert.throws(() => ring.open(sealed, 'id-2'), KeyringError);
    assert.throws(() => ring.open('garbage', 'id-1'), KeyringError);
  });

  it('rotates: new writes use the first key, old keys still open, a dropped key is an error', () => {
    const old = new Keyring([a]);
    const sealedOld = old.seal('secret', 'id');
    const rotated = new Keyring([b, a]);
    assert.equal(rotated.open(sealedOld, 'id'), 'secret');
    const sealedNew = rotated.seal('secret', 'id');
    assert.notEqual(Keyring.keyIdOf(sealedNew), Keyring.keyIdOf(sealedOld));
    const dropped = new Keyring([b]);
    assert.equal(dropped.open(sealedNew, 'id'), 'secret');
    assert.throws(() => dropped.open(sealedOld, 'id'), /no key with id/);
  });
});
