import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { GrantRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { ContractContext } from './context.js';
import { grant, MINUTE, T0, token, type Issued } from './fixtures.js';

/** Tokens: put, resolve with their grant, expiry against `now`, and lists by kind, client and grant. */
export function tokenContract(ctx: ContractContext): void {
  describe('tokens', () => {
    resolveCases(ctx);
    rewrittenGrantCases(ctx);
    expiryAndReplaceCases(ctx);
    listCases(ctx);
  });
}

/** A grant written again after its tokens: what resolve answers then. */
function rewrittenGrantCases({ store }: ContractContext): void {
  it('resolves with the grant as last written: a rewrite after its tokens were stored shows at once, on every token of it and no other', async () => {
    const g = grant({ scopes: ['email.read_only', 'calendar'] });
    const other = grant({ clientId: g.clientId });
    await store().putGrant(g);
    await store().putGrant(other);
    const first = token('access', { grantId: g.id, clientId: g.clientId });
    const second = token('access', { grantId: g.id, clientId: g.clientId });
    const bystander = token('access', { grantId: other.id, clientId: other.clientId });
    for (const t of [first, second, bystander]) await store().putToken(t.record);
    const rewrites: GrantRecord[] = [
      { ...g, scopes: ['email.read_only'], status: 'invalid', email: `new-${g.email}`, name: 'Grace Hopper', updatedAt: T0 + 1 },
      { ...g, settings: 'sealed-settings', identity: { subject: 'sub-1', strength: 'verified', method: 'oauth' }, updatedAt: T0 + 2 },
      { ...g, provider: 'microsoft', updatedAt: T0 + 3 },
    ];
    for (const rewrite of rewrites) {
      await store().putGrant(rewrite);
      for (const t of [first, second]) assert.deepEqual(await store().resolve(t.record.hash, T0), { token: t.record, grant: rewrite });
      assert.deepEqual(await store().resolve(bystander.record.hash, T0), { token: bystander.record, grant: other });
    }
  });
}

/** What resolve answers, and what it never does. */
function resolveCases({ store }: ContractContext): void {
  it('resolves an access token with its grant', async () => {
    const g = grant();
    await store().putGrant(g);
    const t = token('access', { grantId: g.id, clientId: g.clientId, data: '{"v":3}' });
    await store().putToken(t.record);
    assert.deepEqual(await store().resolve(t.record.hash, T0), { token: t.record, grant: g });
  });

  it('keeps the scopes a token was issued with, through put, resolve, list, consume and rotate; a token without them reads back without them', async () => {
    const g = grant({ scopes: ['email.read_only', 'calendar'] });
    await store().putGrant(g);
    const narrow = token('access', { grantId: g.id, clientId: g.clientId, scopes: ['email.read_only'] });
    await store().putToken(narrow.record);
    assert.deepEqual(await store().resolve(narrow.record.hash, T0), { token: narrow.record, grant: g });
    const legacy = token('access', { grantId: g.id, clientId: g.clientId });
    await store().putToken(legacy.record);
    const resolved = await store().resolve(legacy.record.hash, T0);
    assert.deepEqual(resolved?.token, legacy.record);
    assert.equal(resolved?.token.scopes ?? null, null);
    const listed = await store().listTokens({ kind: 'access', grantId: g.id });
    assert.deepEqual(listed.find((t) => t.hash === narrow.record.hash), narrow.record);
    const family = `family-${randomUUID()}`;
    const old = token('refresh', { grantId: g.id, family, scopes: ['calendar'] });
    const next = token('refresh', { grantId: g.id, family, scopes: ['calendar'], createdAt: T0 + 1 });
    await store().putToken(old.record);
    assert.deepEqual(await store().rotate(old.record.hash, next.record, T0 + 1), { record: old.record, firstUse: true });
    assert.deepEqual((await store().consume(next.record.hash, T0 + 2))?.record, next.record);
  });

  it('resolves an API key with a null grant', async () => {
    const key = token('api_key', { grantId: null, family: null, expiresAt: null });
    await store().putToken(key.record);
    assert.deepEqual(await store().resolve(key.record.hash, T0 + 1000 * 24 * 60 * MINUTE), {
      token: key.record,
      grant: null,
    });
  });

  it('never resolves codes, refresh tokens or flow state', async () => {
    for (const kind of ['code', 'refresh', 'flow'] as const) {
      const t = token(kind);
      await store().putToken(t.record);
      assert.equal(await store().resolve(t.record.hash, T0), undefined, kind);
    }
  });

  it('resolves nothing unknown', async () => {
    assert.equal(await store().resolve(hashSecret(newSecret(TOKEN_PREFIX.access)), T0), undefined);
  });
}

/** Expiry against `now`, a missing grant, and a token put again. */
function expiryAndReplaceCases({ store }: ContractContext): void {
  it('compares expiry to now exactly: alive at expiresAt - 1, gone at expiresAt', async () => {
    const t = token('access', { expiresAt: T0 + MINUTE });
    await store().putToken(t.record);
    assert.ok(await store().resolve(t.record.hash, T0 + MINUTE - 1));
    assert.equal(await store().resolve(t.record.hash, T0 + MINUTE), undefined);
    assert.equal(await store().resolve(t.record.hash, T0 + 2 * MINUTE), undefined);
    // Expiry follows the caller's clock both ways: a token can be "expired" in the fake future and alive again before.
    assert.ok(await store().resolve(t.record.hash, T0));
  });

  it('a token whose grant does not exist resolves without a grant, or not at all', async () => {
    const t = token('access', { grantId: `gone-${randomUUID()}` });
    await store().putToken(t.record);
    const resolved = await store().resolve(t.record.hash, T0);
    assert.ok(resolved === undefined || resolved.grant === null, 'no grant invented');
  });

  it('putToken replaces a token with the same hash', async () => {
    const t = token('access');
    await store().putToken(t.record);
    const replaced = { ...t.record, data: '{"replaced":true}', expiresAt: T0 + 2 * MINUTE };
    await store().putToken(replaced);
    assert.deepEqual((await store().resolve(t.record.hash, T0))?.token, replaced);
  });
}

/** Lists by kind, client and grant. */
function listCases({ store }: ContractContext): void {
  it('lists tokens by kind, client and grant', async () => {
    const clientId = `client-${randomUUID()}`;
    const grantId = `grant-${randomUUID()}`;
    const a = token('access', { clientId, grantId });
    const b = token('access', { clientId, grantId: `other-${grantId}` });
    const c = token('refresh', { clientId, grantId });
    const d = token('access', { clientId: `other-${clientId}`, grantId });
    const e = token('api_key', { clientId, grantId: null, family: null, expiresAt: null });
    for (const t of [a, b, c, d, e]) await store().putToken(t.record);
    const hashes = async (f: Parameters<Store['listTokens']>[0]): Promise<string[]> =>
      (await store().listTokens(f)).map((t) => t.hash).sort();
    const sorted = (...ts: Issued[]): string[] => ts.map((t) => t.record.hash).sort();
    assert.deepEqual(await hashes({ kind: 'access', clientId }), sorted(a, b));
    assert.deepEqual(await hashes({ kind: 'access', grantId }), sorted(a, d));
    assert.deepEqual(await hashes({ kind: 'access', clientId, grantId }), sorted(a));
    assert.deepEqual(await hashes({ kind: 'refresh', grantId }), sorted(c));
    assert.deepEqual(await hashes({ kind: 'api_key', clientId }), sorted(e));
    assert.deepEqual(await store().listTokens({ kind: 'api_key', clientId }), [e.record]);
    assert.deepEqual(await hashes({ kind: 'code', clientId }), []);
  });
}
