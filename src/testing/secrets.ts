import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContractContext } from './context.js';
import { grant, PREFIX, T0, token } from './fixtures.js';

/** Secrets at rest: a dump holds token hashes, never the tokens. */
export function secretsContract(ctx: ContractContext): void {
  const { store } = ctx;
  describe('secrets at rest', () => {
    it('a dump holds token hashes, never the tokens', async (t) => {
      const s = store();
      if (typeof s.dump !== 'function') {
        t.skip('the store has no dump()');
        return;
      }
      const g = grant({ settings: 'sealed:v1:opaque' });
      await s.putGrant(g);
      const issued = [
        token('access', { grantId: g.id }),
        token('refresh', { grantId: g.id }),
        token('code', { grantId: g.id }),
        token('api_key', { grantId: null }),
        token('flow', { grantId: null }),
      ];
      for (const i of issued) await s.putToken(i.record);
      const rotatedTo = token('refresh', { grantId: g.id });
      await s.rotate(issued[1]?.record.hash ?? '', rotatedTo.record, T0);
      await s.consume(issued[2]?.record.hash ?? '', T0);
      const text = JSON.stringify(await s.dump());
      for (const i of [...issued, rotatedTo]) {
        assert.ok(text.includes(i.record.hash), `the dump should hold the ${i.record.kind} hash`);
        assert.ok(!text.includes(i.secret), `the dump holds a plaintext ${i.record.kind}`);
        // The random part alone must not appear either (say, a store that strips the prefix).
        assert.ok(!text.includes(i.secret.slice(PREFIX[i.record.kind].length)), `the dump holds a plaintext ${i.record.kind}`);
      }
    });
  });
}
