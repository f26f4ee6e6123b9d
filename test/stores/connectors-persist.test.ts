import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGrantKit, type GrantKit } from '../../src/index.js';
import { SqliteStore } from '../../src/store/sql/sqlite.js';
import { CLIENT_ID, CLIENT_SECRET, SECRET_KEY } from '../support/helpers.js';

/**
 * Connectors made through a kit on SQLite outlive the kit: a new kit on the same file (a restart)
 * finds them, and the file holds their secrets sealed only.
 */
describe('connectors persist in SQLite', () => {
  let dir: string;
  let file: string;
  const clientSecret = `google-client-secret-${Math.random().toString(36).slice(2)}`;
  const privateKey = `-----BEGIN PRIVATE KEY-----${Math.random().toString(36).slice(2)}`;

  const open = (): { kit: GrantKit; store: SqliteStore } => {
    const store = new SqliteStore({ filename: file });
    // cache: true puts a CachedStore in front of the store: connectors must still reach the file.
    // kit.close() closes the store too.
    const kit = createGrantKit({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }], secretKeys: [SECRET_KEY], store, cache: true });
    return { kit, store };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-connectors-'));
    file = join(dir, 'grantkit.db');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a new kit on the same file sees the connector and its credential; the dump holds them sealed', async () => {
    const first = open();
    const created = await first.kit.connectors.create({
      provider: 'google',
      clientId: 'google-client-id',
      clientSecret,
      settings: { topic_name: 'projects/p/topics/t' },
      defaultScopes: ['openid', 'email'],
      allowedScopes: ['openid', 'email', 'profile'],
    });
    const { credential } = await first.kit.connectors.createCredential('google', {
      name: 'workspace',
      type: 'serviceaccount',
      data: { client_email: 'sa@p.iam.gserviceaccount.com', private_key: privateKey },
    });
    const active = await first.kit.connectors.update('google', { activeCredentialId: credential.id });
    await first.kit.close();

    const second = open();
    try {
      assert.deepEqual(await second.kit.connectors.get('google'), active);
      assert.deepEqual(await second.kit.connectors.list(), [active]);
      assert.equal(active.id, created.id);
      assert.equal(second.kit.connectors.clientSecret(active), clientSecret, 'the new kit opens the sealed secret');
      assert.deepEqual(await second.kit.connectors.listCredentials('google'), [credential]);
      assert.equal(second.kit.connectors.credentialData(credential)['private_key'], privateKey);

      const text = JSON.stringify(await second.store.dump());
      assert.ok(text.includes(created.id) && text.includes(credential.id), 'the dump holds the connector and the credential');
      assert.ok(created.clientSecret && text.includes(created.clientSecret), 'the dump holds the sealed client secret as given');
      assert.ok(!text.includes(clientSecret), 'the dump holds the client secret in plaintext');
      assert.ok(!text.includes(privateKey) && !text.includes('sa@p.iam'), 'the dump holds credential data in plaintext');

      // Deleting the connector through the kit takes its credential with it, in the file.
      assert.equal(await second.kit.connectors.delete('google'), true);
      assert.equal(await second.store.getCredential(credential.id), undefined);
    } finally {
      await second.kit.close();
    }

    const third = open();
    try {
      assert.deepEqual(await third.kit.connectors.list(), []);
      assert.deepEqual(await third.store.listCredentials('google', null), []);
    } finally {
      await third.kit.close();
    }
  });
});
