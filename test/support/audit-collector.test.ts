import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newSecret, TOKEN_PREFIX } from '../../src/crypto/tokens.js';
import { findSecrets } from './audit-collector.js';

/** The check every test process runs over its audit events must catch what it is there to catch. */
describe('findSecrets', () => {
  const clean = { type: 'token.issued', grantId: '3f1c3a2e-9d8b-4f7a-8c2d-1e5b6a7c8d9e', tokenHash: 'WU3IE8sNcisuAOpE', scopes: ['email.read_only'] };

  it('finds nothing in ids and hash prefixes', () => {
    assert.deepEqual(findSecrets([clean], []), []);
  });

  const table: Array<[string, unknown]> = [
    ['an access token', { ...clean, leaked: newSecret(TOKEN_PREFIX.access) }],
    ['a refresh token', { nested: { value: newSecret(TOKEN_PREFIX.refresh) } }],
    ['a code', [newSecret(TOKEN_PREFIX.code)]],
    ['an API key', { keyId: newSecret(TOKEN_PREFIX.apiKey) }],
    ['an unprefixed 256-bit secret', { csrf: 'Zk9u3N0pQm1xV2bY7cH4tR8sL6wE5aD1gJ0kF3iB2oU' }],
    ['a JWT', { id: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJncmFudCJ9.c2ln' }],
    ['a PEM key', { key: '-----BEGIN PRIVATE KEY-----' }],
  ];
  for (const [what, event] of table) {
    it(`finds ${what}`, () => {
      assert.equal(findSecrets([clean, event], []).length, 1);
    });
  }

  it('finds a known secret anywhere in an event', () => {
    assert.equal(findSecrets([{ route: { path: '/x/my-client-secret/y' } }], ['my-client-secret']).length, 1);
  });
});
