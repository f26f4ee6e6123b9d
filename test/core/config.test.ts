import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGrantKit, sandboxProvider, type GrantKitOptions } from '../../src/index.js';

const good: GrantKitOptions = { clients: [{ id: 'c', secret: 's' }], secretKeys: 'k'.repeat(32) };

describe('createGrantKit validates its options once, naming the option', () => {
  const cases: Array<[string, Partial<GrantKitOptions> | Record<string, unknown>, RegExp]> = [
    ['no clients', { clients: [] }, /option "clients" needs at least one client/],
    ['empty client id', { clients: [{ id: '' }] }, /option "clients\[0\]\.id" must be a non-empty string/],
    ['bad callback URI', { clients: [{ id: 'c', callbackUris: ['not a url'] }] }, /option "clients\[0\]\.callbackUris\[0\]"/],
    ['short key', { secretKeys: 'short' }, /option "secretKeys" must be at least 32 characters/],
    ['short key in a ring', { secretKeys: ['k'.repeat(32), 'short'] }, /option "secretKeys(\[1\])?"/],
    ['unknown default scope', { defaultScopes: 'email,nope' }, /option "defaultScopes".*"nope"/],
    ['not a store', { store: {} }, /option "store" must implement the Store interface/],
    ['not a provider', { providers: [{ name: 'x' }] }, /option "providers\[0\]" must be a provider object/],
    ['bad clock', { clock: 5 }, /option "clock" must be a function/],
    ['bad timeout', { storeTimeoutMs: -1 }, /option "storeTimeoutMs"/],
    ['duplicate client', { clients: [{ id: 'c' }, { id: 'c' }] }, /option "clients" lists "c" twice/],
    ['duplicate provider', { providers: [sandboxProvider(), sandboxProvider()] }, /option "providers" lists "sandbox" twice/],
  ];
  for (const [name, patch, pattern] of cases) {
    it(name, () => {
      assert.throws(() => createGrantKit({ ...good, ...patch } as GrantKitOptions), pattern);
    });
  }

  it('accepts a minimal configuration and applies the SDKs default scopes', () => {
    const kit = createGrantKit(good);
    assert.deepEqual(kit.defaultScopes, ['email', 'calendar', 'contacts']);
    assert.equal(kit.realm, 'grantkit');
  });
});
