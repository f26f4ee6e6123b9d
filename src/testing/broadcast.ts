import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Invalidation } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { ContractContext } from './context.js';
import { grant, T0, token } from './fixtures.js';

/** The broadcast: a store with `subscribe` announces every revocation and grant change within 1 s. */
export function broadcastContract(ctx: ContractContext): void {
  describe('broadcast (stores with subscribe)', () => {
    announcementCases(ctx);
    subscriberCases(ctx);
  });
}

/** Changes are made through the peer when there is one, so the message must cross instances. */
const writer = (ctx: ContractContext): Store => ctx.peer() ?? ctx.store();

/** Subscribes on the subject and runs `change`; resolves with the events heard within 1 s that match. */
async function hear(ctx: ContractContext, change: () => Promise<unknown>, match: (e: Invalidation) => boolean): Promise<number> {
  const s = ctx.store();
  assert.ok(s.subscribe);
  let heardAt: number | undefined;
  let notify: () => void = () => {};
  const heard = new Promise<void>((resolve) => (notify = resolve));
  const unsubscribe = await s.subscribe({
    onInvalidate: (e) => {
      if (heardAt === undefined && match(e)) {
        heardAt = performance.now();
        notify();
      }
    },
  });
  try {
    const started = performance.now();
    await change();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([heard, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    assert.ok(heardAt !== undefined, 'the invalidation did not arrive within 1 s');
    return heardAt - started;
  } finally {
    await unsubscribe();
  }
}

/** Each kind of change is announced by what it names. */
function announcementCases(ctx: ContractContext): void {
  const { store } = ctx;
  it('a revoked token is announced by its hash', async (t) => {
    if (!store().subscribe) return t.skip('the store has no subscribe()');
    const tok = token('access');
    await writer(ctx).putToken(tok.record);
    await hear(ctx, () => writer(ctx).revokeToken(tok.record.hash), (e) => e.tokenHash === tok.record.hash);
  });

  it('a revoked family is announced by its name', async (t) => {
    if (!store().subscribe) return t.skip('the store has no subscribe()');
    const family = `family-${randomUUID()}`;
    await writer(ctx).putToken(token('access', { family }).record);
    await hear(ctx, () => writer(ctx).revokeFamily(family), (e) => e.family === family);
  });

  it("revoking a grant's tokens, changing a grant and deleting it are announced by the grant id", async (t) => {
    if (!store().subscribe) return t.skip('the store has no subscribe()');
    const g = grant();
    await hear(ctx, () => writer(ctx).putGrant(g), (e) => e.grantId === g.id);
    await writer(ctx).putToken(token('access', { grantId: g.id }).record);
    await hear(ctx, () => writer(ctx).revokeGrantTokens(g.id), (e) => e.grantId === g.id);
    await hear(ctx, () => writer(ctx).putGrant({ ...g, status: 'invalid', updatedAt: T0 + 1 }), (e) => e.grantId === g.id);
    await hear(ctx, () => writer(ctx).deleteGrant(g.id), (e) => e.grantId === g.id);
  });
}

/** Every listener hears every change, until it unsubscribes. */
function subscriberCases(ctx: ContractContext): void {
  it('every subscriber hears it, and an unsubscribed listener no longer does', async (t) => {
    const s = ctx.store();
    if (!s.subscribe) return t.skip('the store has no subscribe()');
    const early: Invalidation[] = [];
    const unsubscribeEarly = await s.subscribe({ onInvalidate: (e) => early.push(e) });
    const gone = token('access');
    await writer(ctx).putToken(gone.record);
    await unsubscribeEarly();
    await hear(ctx, () => writer(ctx).revokeToken(gone.record.hash), (e) => e.tokenHash === gone.record.hash);
    assert.ok(!early.some((e) => e.tokenHash === gone.record.hash), 'an unsubscribed listener was called');

    const both: Invalidation[][] = [[], []];
    const unsubscribers = await Promise.all(both.map((list) => s.subscribe!({ onInvalidate: (e) => list.push(e) })));
    const tok = token('access');
    await writer(ctx).putToken(tok.record);
    await writer(ctx).revokeToken(tok.record.hash);
    const deadline = Date.now() + 1000;
    while (!both.every((l) => l.some((e) => e.tokenHash === tok.record.hash)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const u of unsubscribers) await u();
    assert.ok(both.every((l) => l.some((e) => e.tokenHash === tok.record.hash)), 'a subscriber missed the revocation');
  });
}
