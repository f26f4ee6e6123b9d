import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { GrantRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { ContractContext } from './context.js';
import { grant, MINUTE, PREFIX, T0, token, type Issued } from './fixtures.js';

/** Tombstones: a store with `knows` still knows the access tokens and API keys it revoked. */
export function knowsContract(ctx: ContractContext): void {
  // The rate limits count a bearer token `resolve` does not return as a guess, unless the store
  // knows it: held (live or expired), or revoked within REVOKED_TOKEN_RETENTION_MS. A token
  // revoked a moment ago is no guess, so each way of revoking must leave the store knowing the
  // access tokens and API keys it removed (their hashes only); codes, flows and refresh tokens
  // are never bearer tokens, so nothing is kept of them.
  describe('knows (stores with knows)', () => {
    heldCases(ctx);
    revocationCases(ctx);
  });
}

/** The subject's answer for a hash; fails the test when the subject has no `knows`. */
function knowsOf(store: () => Store, hash: string): Promise<boolean> {
  const s = store();
  assert.ok(s.knows);
  return s.knows(hash);
}

const unknown = (): string => hashSecret(newSecret(TOKEN_PREFIX.access));

/** What it holds, and what revokeToken leaves. */
function heldCases({ store }: ContractContext): void {
  const knows = (hash: string): Promise<boolean> => knowsOf(store, hash);
  it('knows a token it holds, live or expired, and nothing it never held', async (t) => {
    if (!store().knows) return t.skip('the store has no knows()');
    const live = token('access');
    const expiring = token('api_key', { grantId: null, family: null, expiresAt: T0 + MINUTE });
    for (const i of [live, expiring]) await store().putToken(i.record);
    assert.equal(await store().resolve(expiring.record.hash, T0 + 2 * MINUTE), undefined);
    assert.equal(await knows(live.record.hash), true);
    assert.equal(await knows(expiring.record.hash), true, 'an expired token the store still holds');
    assert.equal(await knows(unknown()), false);
  });

  it('a revoked token is still known to the store, so it is not a guess: revokeToken, for access tokens and API keys', async (t) => {
    if (!store().knows) return t.skip('the store has no knows()');
    const g = grant();
    await store().putGrant(g);
    const access = token('access', { grantId: g.id, clientId: g.clientId });
    const key = token('api_key', { grantId: null, family: null, expiresAt: null });
    const others = [token('refresh', { grantId: g.id }), token('code', { grantId: g.id }), token('flow', { grantId: null, family: null })];
    for (const i of [access, key, ...others]) await store().putToken(i.record);
    for (const i of [access, key, ...others]) assert.deepEqual(await store().revokeToken(i.record.hash), i.record);
    for (const i of [access, key]) {
      assert.equal(await store().resolve(i.record.hash, T0), undefined, `a revoked ${i.record.kind} never resolves`);
      assert.equal(await knows(i.record.hash), true, `a revoked ${i.record.kind} is known`);
      assert.equal(await store().revokeToken(i.record.hash), undefined, `a revoked ${i.record.kind} is not held`);
    }
    for (const i of others) assert.equal(await knows(i.record.hash), false, `nothing is kept of a revoked ${i.record.kind}`);
    assert.ok(!(await store().listTokens({ kind: 'api_key', clientId: key.record.clientId })).some((r) => r.hash === key.record.hash));
    assert.equal(await knows(unknown()), false);
    // What is kept is the hash, never the token.
    const s = store();
    if (typeof s.dump === 'function') {
      const text = JSON.stringify(await s.dump());
      for (const i of [access, key]) {
        assert.ok(text.includes(i.record.hash), `the dump should hold the revoked ${i.record.kind}'s hash`);
        assert.ok(!text.includes(i.secret) && !text.includes(i.secret.slice(PREFIX[i.record.kind].length)), `the dump holds a plaintext ${i.record.kind}`);
      }
    }
  });
}

/** What the revocations of many tokens at once leave. */
function revocationCases({ store }: ContractContext): void {
  it('a revoked token is still known to the store, so it is not a guess: revokeFamily', async (t) => {
    if (!store().knows) return t.skip('the store has no knows()');
    const family = `family-${randomUUID()}`;
    const grantId = `grant-${randomUUID()}`;
    const access = [token('access', { family, grantId }), token('access', { family, grantId, expiresAt: null })];
    const others = [token('refresh', { family, grantId }), token('code', { family, grantId })];
    for (const i of [...access, ...others]) await store().putToken(i.record);
    assert.equal(await store().revokeFamily(family), 4);
    await assertBuried(store, access, others);
  });

  it('a revoked token is still known to the store, so it is not a guess: revokeGrantTokens', async (t) => {
    if (!store().knows) return t.skip('the store has no knows()');
    const { g, access, others } = await grantAndItsTokens(store);
    const bystander = token('access', { grantId: `other-${g.id}` });
    for (const i of [...access, ...others, bystander]) await store().putToken(i.record);
    assert.equal(await store().revokeGrantTokens(g.id), 4);
    await assertBuried(store, access, others);
    assert.deepEqual(await store().listTokens({ kind: 'access', grantId: g.id }), []);
    assert.ok(await store().resolve(bystander.record.hash, T0), "another grant's token is untouched");
  });

  it('a revoked token is still known to the store, so it is not a guess: deleteGrant', async (t) => {
    if (!store().knows) return t.skip('the store has no knows()');
    const { g, access, others } = await grantAndItsTokens(store);
    for (const i of [...access, ...others]) await store().putToken(i.record);
    assert.equal(await store().deleteGrant(g.id), true);
    await assertBuried(store, access, others);
    assert.deepEqual(await store().listTokens({ kind: 'access', grantId: g.id }), []);
  });
}

/** A stored grant, with two access tokens of it (one outside any family), a refresh token and a code, not stored yet. */
async function grantAndItsTokens(store: () => Store): Promise<{ g: GrantRecord; access: Issued[]; others: Issued[] }> {
  const g = grant();
  await store().putGrant(g);
  return {
    g,
    access: [token('access', { grantId: g.id }), token('access', { grantId: g.id, family: null })],
    others: [token('refresh', { grantId: g.id }), token('code', { grantId: g.id })],
  };
}

/** After a revocation: the access tokens no longer resolve and are still known; nothing is kept of the others. */
async function assertBuried(store: () => Store, access: readonly Issued[], others: readonly Issued[]): Promise<void> {
  for (const i of access) {
    assert.equal(await store().resolve(i.record.hash, T0), undefined);
    assert.equal(await knowsOf(store, i.record.hash), true);
  }
  for (const i of others) assert.equal(await knowsOf(store, i.record.hash), false, `nothing is kept of a revoked ${i.record.kind}`);
}
