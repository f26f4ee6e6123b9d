import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { ContractContext } from './context.js';
import { MINUTE, T0, token } from './fixtures.js';

/** One-time use: consume (codes, flow state) and rotate (refresh tokens), atomic under concurrency. */
export function consumeRotateContract(ctx: ContractContext): void {
  consumeContract(ctx);
  rotateContract(ctx);
}

/** consume: codes and flow state, used once. */
function consumeContract({ store }: ContractContext): void {
  describe('consume', () => {
    it('first use, then replay', async () => {
      const code = token('code', { data: '{"pending":true}' });
      await store().putToken(code.record);
      assert.deepEqual(await store().consume(code.record.hash, T0 + 1), { record: code.record, firstUse: true });
      assert.deepEqual(await store().consume(code.record.hash, T0 + 2), { record: code.record, firstUse: false });
    });

    it('consumes flow state too', async () => {
      const flow = token('flow', { grantId: null, family: null });
      await store().putToken(flow.record);
      assert.equal((await store().consume(flow.record.hash, T0))?.firstUse, true);
    });

    it('is undefined when unknown or expired at now', async () => {
      assert.equal(await store().consume(hashSecret(newSecret(TOKEN_PREFIX.code)), T0), undefined);
      const code = token('code', { expiresAt: T0 + MINUTE });
      await store().putToken(code.record);
      assert.equal(await store().consume(code.record.hash, T0 + MINUTE), undefined);
      // Not consumed by the expired attempt: still first use at an earlier now.
      assert.equal((await store().consume(code.record.hash, T0 + MINUTE - 1))?.firstUse, true);
      assert.equal(await store().consume(code.record.hash, T0 + MINUTE), undefined, 'a consumed code expires too');
    });

    it('of 20 concurrent calls, exactly one is the first use', async () => {
      const code = token('code');
      await store().putToken(code.record);
      const results = await Promise.all(Array.from({ length: 20 }, () => store().consume(code.record.hash, T0)));
      assert.equal(results.filter((r) => r?.firstUse === true).length, 1);
      assert.equal(results.filter((r) => r?.firstUse === false).length, 19);
      for (const r of results) assert.deepEqual(r?.record, code.record);
    });
  });
}

/** rotate: a refresh token consumed and its successor stored in one step. */
function rotateContract({ store }: ContractContext): void {
  describe('rotate', () => {
    it('consumes the old refresh token and stores the next', async () => {
      const grantId = `grant-${randomUUID()}`;
      const family = `family-${randomUUID()}`;
      const old = token('refresh', { grantId, family });
      const next = token('refresh', { grantId, family, createdAt: T0 + 1, expiresAt: T0 + 30 * MINUTE });
      await store().putToken(old.record);
      assert.deepEqual(await store().rotate(old.record.hash, next.record, T0 + 1), { record: old.record, firstUse: true });
      const listed = await store().listTokens({ kind: 'refresh', grantId });
      assert.deepEqual(listed.find((t) => t.hash === next.record.hash), next.record);
      assert.equal((await store().consume(next.record.hash, T0 + 2))?.firstUse, true, 'the next one is fresh');
    });

    it('a replay stores nothing and says so', async () => {
      const grantId = `grant-${randomUUID()}`;
      const old = token('refresh', { grantId });
      const first = token('refresh', { grantId });
      const replayed = token('refresh', { grantId });
      await store().putToken(old.record);
      assert.equal((await store().rotate(old.record.hash, first.record, T0))?.firstUse, true);
      assert.deepEqual(await store().rotate(old.record.hash, replayed.record, T0), { record: old.record, firstUse: false });
      assert.equal(await store().consume(replayed.record.hash, T0), undefined);
      const hashes = (await store().listTokens({ kind: 'refresh', grantId })).map((t) => t.hash);
      assert.ok(!hashes.includes(replayed.record.hash));
    });

    it('is undefined, storing nothing, when the old token is unknown or expired', async () => {
      const grantId = `grant-${randomUUID()}`;
      const next = token('refresh', { grantId });
      assert.equal(await store().rotate(hashSecret(newSecret(TOKEN_PREFIX.refresh)), next.record, T0), undefined);
      const old = token('refresh', { grantId, expiresAt: T0 + MINUTE });
      await store().putToken(old.record);
      assert.equal(await store().rotate(old.record.hash, next.record, T0 + MINUTE), undefined);
      assert.equal(await store().consume(next.record.hash, T0), undefined);
    });

    it('of 20 concurrent rotations, one wins and only its next token exists', async () => {
      const grantId = `grant-${randomUUID()}`;
      const family = `family-${randomUUID()}`;
      const old = token('refresh', { grantId, family });
      await store().putToken(old.record);
      const nexts = Array.from({ length: 20 }, () => token('refresh', { grantId, family }));
      const results = await Promise.all(nexts.map((n) => store().rotate(old.record.hash, n.record, T0)));
      const winners = results.flatMap((r, i) => (r?.firstUse === true ? [nexts[i]] : []));
      assert.equal(winners.length, 1);
      assert.equal(results.filter((r) => r?.firstUse === false).length, 19);
      const winner = winners[0]?.record.hash;
      const stored = (await store().listTokens({ kind: 'refresh', grantId })).map((t) => t.hash).sort();
      assert.deepEqual(stored, [old.record.hash, winner].sort());
      for (const n of nexts) {
        const consumed = await store().consume(n.record.hash, T0);
        assert.equal(consumed?.firstUse, n.record.hash === winner ? true : undefined);
      }
    });
  });
}
