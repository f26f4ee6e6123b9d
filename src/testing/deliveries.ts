import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { isDeliveryQueue, type DeliveryClaim, type DeliveryQueue, type QueuedDelivery } from '../store/deliveries.js';
import type { ContractContext } from './context.js';
import { T0 } from './fixtures.js';

/** What a claim case passes: the subject (or its peer) as a queue, or a skip of the test. */
type AsQueue = (t: { skip: (reason: string) => void }, which?: 'peer') => DeliveryQueue | undefined;

/**
 * The webhook delivery queue (stores with enqueueDeliveries, claimDeliveries and settleDelivery):
 * due deliveries are claimed under a lease, each by one claim, and come back when the lease runs
 * out; settling needs the lease.
 */
export function deliveryContract(ctx: ContractContext): void {
  describe('webhook delivery queue (stores with the delivery calls)', () => {
    const queue: AsQueue = (t, which) => {
      const s = which === 'peer' ? (ctx.peer() ?? ctx.store()) : ctx.store();
      if (isDeliveryQueue(s)) return s;
      t.skip('the store keeps no delivery queue');
      return undefined;
    };
    claimCases(queue);
    settleCases(queue);
    concurrencyCases(queue);
  });
}

const LEASE_MS = 15_000;

/** A delivery to a fresh endpoint, due at T0 unless told otherwise. */
function delivery(over: Partial<QueuedDelivery> = {}): QueuedDelivery {
  const event = randomUUID();
  return {
    id: `delivery-${event}`,
    endpoint: `endpoint-${randomUUID()}`,
    payload: JSON.stringify({ id: event, type: 'grant.created', note: 'é ✓ "quoted"' }),
    dueAt: T0,
    createdAt: T0,
    ...over,
  };
}

/** The subject as a queue, holding one fresh delivery due at T0; undefined (the test skipped) without a queue. */
async function queuedOne(queue: AsQueue, t: { skip: (reason: string) => void }): Promise<{ q: DeliveryQueue; d: QueuedDelivery } | undefined> {
  const q = queue(t);
  if (!q) return undefined;
  const d = delivery();
  await q.enqueueDeliveries([d]);
  return { q, d };
}

function claim(endpoints: readonly string[], now: number, over: Partial<DeliveryClaim> = {}): DeliveryClaim {
  return { endpoints, now, leaseUntil: now + LEASE_MS, lease: `lease-${randomUUID()}`, limit: 10, ...over };
}

/** What is due, for whom, in which order, and how many. */
function claimCases(queue: AsQueue): void {
  it('claims a delivery once it is due, counting the attempt, and not again while the lease runs', async (t) => {
    const { q, d } = (await queuedOne(queue, t)) ?? {};
    if (!q || !d) return;
    assert.deepEqual(await q.claimDeliveries(claim([d.endpoint], T0 - 1)), []);
    const c = claim([d.endpoint], T0);
    assert.deepEqual(await q.claimDeliveries(c), [{ ...d, attempts: 1, lease: c.lease, dueAt: c.leaseUntil }]);
    assert.deepEqual(await q.claimDeliveries(claim([d.endpoint], T0 + LEASE_MS - 1)), []);
  });

  it('queuing an id that is already queued keeps the first, once', async (t) => {
    const { q, d } = (await queuedOne(queue, t)) ?? {};
    if (!q || !d) return;
    await q.enqueueDeliveries([{ ...d, payload: '{"other":true}', dueAt: T0 - 5 }]);
    const claimed = await q.claimDeliveries(claim([d.endpoint], T0));
    assert.deepEqual(claimed.map((x) => [x.id, x.payload, x.attempts]), [[d.id, d.payload, 1]]);
  });

  it('claims only the endpoints it names, the earliest due first, at most the limit', async (t) => {
    const q = queue(t);
    if (!q) return;
    const [a, b, other] = [`endpoint-${randomUUID()}`, `endpoint-${randomUUID()}`, `endpoint-${randomUUID()}`];
    const list = [
      delivery({ endpoint: a, dueAt: T0 - 30 }),
      delivery({ endpoint: b, dueAt: T0 - 20 }),
      delivery({ endpoint: other, dueAt: T0 - 40 }),
      delivery({ endpoint: a, dueAt: T0 - 10 }),
      delivery({ endpoint: b, dueAt: T0 + 10 }),
    ];
    await q.enqueueDeliveries(list);
    const first = await q.claimDeliveries(claim([a, b], T0, { limit: 2 }));
    assert.deepEqual(first.map((d) => d.id), [list[0]!.id, list[1]!.id]);
    const rest = await q.claimDeliveries(claim([a, b], T0));
    assert.deepEqual(rest.map((d) => d.id), [list[3]!.id]);
    assert.deepEqual(await q.claimDeliveries(claim([], T0)), []);
    assert.deepEqual((await q.claimDeliveries(claim([other], T0))).map((d) => d.id), [list[2]!.id]);
  });
}

/** Retry, removal, and the lease that settling needs. */
function settleCases(queue: AsQueue): void {
  it('a retry waits, unclaimed, until its time; settled as done, the delivery is gone', async (t) => {
    const { q, d } = (await queuedOne(queue, t)) ?? {};
    if (!q || !d) return;
    const [first] = await q.claimDeliveries(claim([d.endpoint], T0));
    assert.ok(first?.lease);
    assert.equal(await q.settleDelivery(d.id, first.lease, T0 + 5_000), true);
    assert.deepEqual(await q.claimDeliveries(claim([d.endpoint], T0 + 4_999)), []);
    const c = claim([d.endpoint], T0 + 5_000);
    const [second] = await q.claimDeliveries(c);
    assert.deepEqual(second, { ...d, attempts: 2, lease: c.lease, dueAt: c.leaseUntil });
    assert.equal(await q.settleDelivery(d.id, c.lease, null), true);
    assert.equal(await q.settleDelivery(d.id, c.lease, null), false);
    assert.deepEqual(await q.claimDeliveries(claim([d.endpoint], T0 + 10 * LEASE_MS)), []);
  });

  it('an expired lease is claimable again, and the claim that lost it can no longer settle', async (t) => {
    const { q, d } = (await queuedOne(queue, t)) ?? {};
    if (!q || !d) return;
    const lost = claim([d.endpoint], T0, { leaseUntil: T0 + 1_000 });
    assert.equal((await q.claimDeliveries(lost)).length, 1);
    assert.deepEqual(await q.claimDeliveries(claim([d.endpoint], T0 + 999)), []);
    const taken = claim([d.endpoint], T0 + 1_000);
    assert.deepEqual(await q.claimDeliveries(taken), [{ ...d, attempts: 2, lease: taken.lease, dueAt: taken.leaseUntil }]);
    assert.equal(await q.settleDelivery(d.id, lost.lease, null), false);
    assert.equal(await q.settleDelivery(d.id, lost.lease, T0), false);
    // Nor does a lease that never held it, or none at all.
    assert.equal(await q.settleDelivery(d.id, `lease-${randomUUID()}`, null), false);
    assert.equal(await q.settleDelivery(d.id, '', null), false);
    assert.deepEqual(await q.claimDeliveries(claim([d.endpoint], T0 + 2_000)), []);
    assert.equal(await q.settleDelivery(d.id, taken.lease, null), true);
  });

  it('an unclaimed delivery cannot be settled', async (t) => {
    const { q, d } = (await queuedOne(queue, t)) ?? {};
    if (!q || !d) return;
    assert.equal(await q.settleDelivery(d.id, '', null), false);
    assert.equal(await q.settleDelivery(`missing-${d.id}`, `lease-${randomUUID()}`, null), false);
    assert.equal((await q.claimDeliveries(claim([d.endpoint], T0))).length, 1);
  });
}

/** Claims racing each other, on one instance or two. */
function concurrencyCases(queue: AsQueue): void {
  it('two claimers never get the same due delivery, and between them leave none behind', async (t) => {
    const q = queue(t);
    const p = queue(t, 'peer');
    if (!q || !p) return;
    const endpoint = `endpoint-${randomUUID()}`;
    const list = Array.from({ length: 30 }, (_, i) => delivery({ endpoint, dueAt: T0 - i }));
    await q.enqueueDeliveries(list);
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? q : p).claimDeliveries(claim([endpoint], T0, { limit: 3 }))));
    const ids = claims.flat().map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, 'a delivery was claimed twice');
    const rest = await q.claimDeliveries(claim([endpoint], T0, { limit: 100 }));
    assert.deepEqual([...ids, ...rest.map((d) => d.id)].sort(), list.map((d) => d.id).sort());
  });
}
