import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ContractContext } from './context.js';
import { grant, T0, token } from './fixtures.js';

/** Revocation of one token, of a family (which stays revoked against late writes) and of a grant's tokens. */
export function revocationContract(ctx: ContractContext): void {
  describe('revocation', () => {
    singleAndFamilyCases(ctx);
    revokedFamilyCases(ctx);
    grantTokensCases(ctx);
  });
}

/** One token, and a whole family. */
function singleAndFamilyCases({ store }: ContractContext): void {
  it('revokes one token and returns it', async () => {
    const t = token('access');
    await store().putToken(t.record);
    assert.deepEqual(await store().revokeToken(t.record.hash), t.record);
    assert.equal(await store().resolve(t.record.hash, T0), undefined);
    assert.equal(await store().revokeToken(t.record.hash), undefined);
  });

  it('revokes a whole family, and only it', async () => {
    const family = `family-${randomUUID()}`;
    const grantId = `grant-${randomUUID()}`;
    const members = [token('code', { family, grantId }), token('access', { family, grantId }), token('refresh', { family, grantId })];
    const outsider = token('access', { family: `other-${family}`, grantId });
    for (const t of [...members, outsider]) await store().putToken(t.record);
    // A rotated-in member joins the family too.
    const rotated = token('refresh', { family, grantId });
    await store().rotate(members[2]?.record.hash ?? '', rotated.record, T0);
    assert.equal(await store().revokeFamily(family), 4);
    assert.equal(await store().resolve(members[1]?.record.hash ?? '', T0), undefined);
    assert.equal(await store().consume(rotated.record.hash, T0), undefined);
    assert.equal(await store().consume(members[0]?.record.hash ?? '', T0), undefined);
    assert.ok(await store().resolve(outsider.record.hash, T0));
    assert.equal(await store().revokeFamily(family), 0);
  });
}

/** A revoked family stays revoked against writes that come after, or race it. */
function revokedFamilyCases(ctx: ContractContext): void {
  const { store } = ctx;
  // A redemption that lost the race to a replay writes its tokens after the revocation.
  it('a revoked family stays revoked: a token of it written afterwards is not stored and never resolves', async () => {
    const family = `family-${randomUUID()}`;
    const grantId = `grant-${randomUUID()}`;
    assert.equal(await store().revokeFamily(family), 0);
    const late = [token('access', { family, grantId, expiresAt: null }), token('refresh', { family, grantId })];
    for (const t of late) await store().putToken(t.record);
    assert.equal(await store().resolve(late[0]!.record.hash, T0), undefined);
    assert.equal(await store().consume(late[1]!.record.hash, T0), undefined);
    assert.deepEqual(await store().listTokens({ kind: 'access', grantId }), []);
    assert.deepEqual(await store().listTokens({ kind: 'refresh', grantId }), []);
    // Other families are untouched.
    const outsider = token('access', { family: `other-${family}`, grantId });
    await store().putToken(outsider.record);
    assert.ok(await store().resolve(outsider.record.hash, T0));
  });

  it('a rotation into a revoked family consumes the old token but stores no successor', async () => {
    const family = `family-${randomUUID()}`;
    const grantId = `grant-${randomUUID()}`;
    const old = token('refresh', { grantId, family: null });
    await store().putToken(old.record);
    await store().revokeFamily(family);
    const next = token('refresh', { grantId, family });
    assert.equal((await store().rotate(old.record.hash, next.record, T0))?.firstUse, true);
    assert.equal(await store().consume(next.record.hash, T0), undefined);
    assert.deepEqual((await store().listTokens({ kind: 'refresh', grantId })).map((t) => t.hash), [old.record.hash]);
  });

  it('a revocation racing 20 writes of its family leaves none of them, on one instance or two', async () => {
    const family = `family-${randomUUID()}`;
    const grantId = `grant-${randomUUID()}`;
    const writes = Array.from({ length: 20 }, (_, i) => token(i % 2 === 0 ? 'access' : 'refresh', { family, grantId }));
    const other = ctx.peer() ?? store();
    await Promise.all([
      ...writes.slice(0, 10).map((t) => store().putToken(t.record)),
      other.revokeFamily(family),
      ...writes.slice(10).map((t) => other.putToken(t.record)),
    ]);
    for (const kind of ['access', 'refresh'] as const) assert.deepEqual(await store().listTokens({ kind, grantId }), []);
    for (const t of writes) assert.equal(await store().resolve(t.record.hash, T0), undefined);
  });
}

/** A grant's tokens, the grant kept. */
function grantTokensCases({ store }: ContractContext): void {
  it('revokes every token of a grant but keeps the grant', async () => {
    const g = grant();
    await store().putGrant(g);
    const mine = [token('access', { grantId: g.id }), token('refresh', { grantId: g.id }), token('code', { grantId: g.id })];
    const other = token('access', { grantId: `other-${g.id}` });
    for (const t of [...mine, other]) await store().putToken(t.record);
    assert.equal(await store().revokeGrantTokens(g.id), 3);
    for (const t of mine) assert.equal(await store().revokeToken(t.record.hash), undefined);
    assert.deepEqual(await store().getGrant(g.id), g);
    assert.ok(await store().resolve(other.record.hash, T0));
    assert.equal(await store().revokeGrantTokens(g.id), 0);
  });
}
