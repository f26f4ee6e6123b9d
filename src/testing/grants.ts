import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { GrantRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { ContractContext } from './context.js';
import { grant, MINUTE, T0, token } from './fixtures.js';

/** Grants: put, get, find by email, replace, delete, and list with every filter. */
export function grantContract(ctx: ContractContext): void {
  describe('grants', () => {
    grantRecordCases(ctx);
    grantLookupCases(ctx);
    grantReplaceCases(ctx);
    listGrantsContract(ctx);
  });
}

/** A grant reads back exactly as it was put. */
function grantRecordCases({ store }: ContractContext): void {
  it('puts, gets and deletes a grant', async () => {
    const g = grant();
    assert.equal(await store().getGrant(g.id), undefined);
    await store().putGrant(g);
    assert.deepEqual(await store().getGrant(g.id), g);
    assert.equal(await store().deleteGrant(g.id), true);
    assert.equal(await store().getGrant(g.id), undefined);
    assert.equal(await store().deleteGrant(g.id), false);
  });

  it('keeps every field as given: scope order, null settings, status', async () => {
    const g = grant({ scopes: ['z.read', 'a.write', 'm'], settings: null, status: 'invalid', name: '' });
    await store().putGrant(g);
    assert.deepEqual(await store().getGrant(g.id), g);
    const sealed = grant({ settings: 'v1.kid.c2VhbGVk', scopes: [] });
    await store().putGrant(sealed);
    assert.deepEqual(await store().getGrant(sealed.id), sealed);
  });

  it('keeps the scope vocabulary a grant was granted in, and reads a grant without one back without one', async () => {
    for (const scopeVocabulary of ['v2', 'v3'] as const) {
      const g = grant({ scopes: ['openid', 'email'], scopeVocabulary });
      await store().putGrant(g);
      assert.deepEqual(await store().getGrant(g.id), g);
      assert.deepEqual(await store().findGrantByEmail(g.clientId, g.email), g);
      const access = token('access', { grantId: g.id, clientId: g.clientId });
      await store().putToken(access.record);
      assert.equal((await store().resolve(access.record.hash, T0))?.grant?.scopeVocabulary, scopeVocabulary);
      assert.deepEqual(await store().listGrants({ clientId: g.clientId }), [g]);
    }
    // Replacing a grant replaces its vocabulary too.
    const g = grant({ scopeVocabulary: 'v2' });
    await store().putGrant(g);
    await store().putGrant({ ...g, scopeVocabulary: 'v3', updatedAt: T0 + 1 });
    assert.equal((await store().getGrant(g.id))?.scopeVocabulary, 'v3');
    const older = grant();
    assert.equal('scopeVocabulary' in older, false);
    await store().putGrant(older);
    const back = await store().getGrant(older.id);
    assert.deepEqual(back, older);
    assert.equal(back !== undefined && 'scopeVocabulary' in back, false);
  });
}

/** Lookups by email, case-insensitively, and the recorded identity. */
function grantLookupCases({ store }: ContractContext): void {
  it('finds a grant by client and email, case-insensitively', async () => {
    const g = grant({ email: 'Ada.Lovelace@Example.COM' });
    await store().putGrant(g);
    assert.deepEqual(await store().findGrantByEmail(g.clientId, 'ada.lovelace@example.com'), g);
    assert.deepEqual(await store().findGrantByEmail(g.clientId, 'ADA.LOVELACE@EXAMPLE.COM'), g);
    assert.equal(await store().findGrantByEmail(g.clientId, 'someone.else@example.com'), undefined);
    assert.equal(await store().findGrantByEmail(`other-${g.clientId}`, g.email), undefined);
  });

  it('keeps the recorded identity of a grant, and a grant put without one reads back without one', async () => {
    const proven = grant({ identity: { subject: 'google|sub:1234', strength: 'verified', method: 'oauth' } });
    await store().putGrant(proven);
    assert.deepEqual(await store().getGrant(proven.id), proven);
    assert.deepEqual(await store().findGrantByEmail(proven.clientId, proven.email.toUpperCase()), proven);
    assert.deepEqual((await store().listGrants({ clientId: proven.clientId }))[0], proven);
    // Grants stored before identities were recorded have none: they count as unverified.
    const legacy = grant();
    await store().putGrant(legacy);
    const back = await store().getGrant(legacy.id);
    assert.deepEqual(back, legacy);
    assert.equal(back?.identity ?? null, null);
    // A re-authentication that records a proof replaces the grant with it.
    const reproven = { ...legacy, identity: { subject: 'imap:imap.example.com|ada', strength: 'unverified' as const, method: 'imap' } };
    await store().putGrant(reproven);
    assert.deepEqual(await store().getGrant(legacy.id), reproven);
  });

  it('compares emails case-insensitively in lookups and list filters', async () => {
    const clientId = `client-${randomUUID()}`;
    const g = grant({ clientId, email: 'Grace.Hopper@Example.COM' });
    await store().putGrant(g);
    const ids = (list: readonly GrantRecord[]): string[] => list.map((x) => x.id);
    assert.deepEqual(ids(await store().listGrants({ clientId, email: 'grace.hopper@example.com' })), [g.id]);
    assert.deepEqual(ids(await store().listGrants({ clientId, email: 'GRACE.HOPPER@EXAMPLE.COM' })), [g.id]);
    assert.deepEqual(await store().findGrantByEmail(clientId, 'gRACE.hOPPER@example.com'), g);
  });
}

/** Replacing and deleting a grant keep the email index and the tokens right. */
function grantReplaceCases({ store }: ContractContext): void {
  it('replaces a grant by id and moves its email in the index', async () => {
    const g = grant({ email: 'old@example.com' });
    await store().putGrant(g);
    const changed = { ...g, email: 'New@Example.com', scopes: ['b', 'a'], status: 'invalid' as const, updatedAt: T0 + 5 };
    await store().putGrant(changed);
    assert.deepEqual(await store().getGrant(g.id), changed);
    assert.equal(await store().findGrantByEmail(g.clientId, 'old@example.com'), undefined);
    assert.deepEqual(await store().findGrantByEmail(g.clientId, 'new@example.com'), changed);
    assert.equal((await store().listGrants({ clientId: g.clientId })).length, 1);
  });

  it('deleting a grant that lost its email to another keeps the other findable', async () => {
    const a = grant({ email: 'shared@example.com' });
    await store().putGrant(a);
    const b = grant({ email: 'Shared@example.com', clientId: a.clientId });
    await store().putGrant(b);
    await store().deleteGrant(a.id);
    assert.deepEqual(await store().findGrantByEmail(a.clientId, 'shared@example.com'), b);
  });

  it('deleting a grant removes it from the email index and kills its tokens', async () => {
    const g = grant();
    await store().putGrant(g);
    const access = token('access', { grantId: g.id, clientId: g.clientId });
    const refresh = token('refresh', { grantId: g.id, clientId: g.clientId });
    const other = token('access', { grantId: `other-${g.id}`, clientId: g.clientId });
    for (const t of [access, refresh, other]) await store().putToken(t.record);
    assert.equal(await store().deleteGrant(g.id), true);
    assert.equal(await store().findGrantByEmail(g.clientId, g.email), undefined);
    assert.equal(await store().resolve(access.record.hash, T0), undefined);
    assert.deepEqual(await store().listTokens({ kind: 'refresh', grantId: g.id }), []);
    assert.equal(await store().revokeToken(refresh.record.hash), undefined);
    assert.ok(await store().resolve(other.record.hash, T0), 'a token of another grant survives');
  });
}

/** Five grants of one client, created a minute apart, updated in the reverse order. */
interface ListFixture {
  readonly clientId: string;
  readonly provider: string;
  readonly shared: string;
  readonly grants: readonly GrantRecord[];
  readonly ids: (list: readonly GrantRecord[]) => string[];
  readonly at: (...i: number[]) => string[];
}

function listFixture(): ListFixture {
  const clientId = `client-${randomUUID()}`;
  const provider = `provider-${randomUUID()}`;
  const shared = `shared-${randomUUID()}@example.com`;
  const grants = [0, 1, 2, 3, 4].map((i) =>
    grant({
      id: `list-${i}-${randomUUID()}`,
      clientId,
      provider: i % 2 === 0 ? provider : 'google',
      email: i === 3 ? shared.toUpperCase() : `user${i}@example.com`,
      status: i === 4 ? 'invalid' : 'valid',
      createdAt: T0 + i * MINUTE,
      updatedAt: T0 + (10 - i) * MINUTE,
    }),
  );
  const ids = (list: readonly GrantRecord[]): string[] => list.map((g) => g.id);
  const at = (...i: number[]): string[] => i.map((n) => grants[n]?.id ?? `missing ${n}`);
  return { clientId, provider, shared, grants, ids, at };
}

function listGrantsContract({ store }: ContractContext): void {
  describe('listGrants', () => {
    const fixture = listFixture();
    const { provider, shared, grants } = fixture;

    before(async () => {
      for (const g of grants) await store().putGrant(g);
      // The same email under another client must not leak into a client's list.
      await store().putGrant(grant({ email: shared, provider }));
    });

    listFilterCases(store, fixture);
    listOrderCases(store, fixture);
  });
}

/** Each filter alone. */
function listFilterCases(store: () => Store, { clientId, provider, shared, grants, ids, at }: ListFixture): void {
  it('by client, newest first by default', async () => {
    const list = await store().listGrants({ clientId });
    assert.deepEqual(ids(list), at(4, 3, 2, 1, 0));
    assert.deepEqual(list[0], grants[4]);
  });
  it('by email, case-insensitively', async () => {
    assert.deepEqual(ids(await store().listGrants({ clientId, email: shared })), at(3));
    const anyClient = await store().listGrants({ email: shared.replace('shared', 'SHARED') });
    assert.equal(anyClient.length, 2);
    assert.ok(anyClient.every((g) => g.email.toLowerCase() === shared));
  });
  it('by provider', async () => {
    assert.deepEqual(ids(await store().listGrants({ clientId, provider })), at(4, 2, 0));
    const anyClient = await store().listGrants({ provider });
    assert.equal(anyClient.length, 4);
  });
  it('by status', async () => {
    assert.deepEqual(ids(await store().listGrants({ clientId, status: 'invalid' })), at(4));
    assert.deepEqual(ids(await store().listGrants({ clientId, status: 'valid' })), at(3, 2, 1, 0));
  });
  it('since is inclusive, before exclusive', async () => {
    const since = T0 + MINUTE;
    const before = T0 + 3 * MINUTE;
    assert.deepEqual(ids(await store().listGrants({ clientId, since })), at(4, 3, 2, 1));
    assert.deepEqual(ids(await store().listGrants({ clientId, before })), at(2, 1, 0));
    assert.deepEqual(ids(await store().listGrants({ clientId, since, before })), at(2, 1));
  });
}

/** Order, pages, every filter at once, and ties. */
function listOrderCases(store: () => Store, { clientId, provider, ids, at }: ListFixture): void {
  it('sorts by createdAt or updatedAt, in either order', async () => {
    assert.deepEqual(ids(await store().listGrants({ clientId, order: 'asc' })), at(0, 1, 2, 3, 4));
    assert.deepEqual(ids(await store().listGrants({ clientId, sortBy: 'createdAt', order: 'desc' })), at(4, 3, 2, 1, 0));
    assert.deepEqual(ids(await store().listGrants({ clientId, sortBy: 'updatedAt', order: 'asc' })), at(4, 3, 2, 1, 0));
    assert.deepEqual(ids(await store().listGrants({ clientId, sortBy: 'updatedAt' })), at(0, 1, 2, 3, 4));
  });
  it('pages with limit and offset', async () => {
    const asc = { clientId, order: 'asc' } as const;
    assert.deepEqual(ids(await store().listGrants({ ...asc, limit: 2 })), at(0, 1));
    assert.deepEqual(ids(await store().listGrants({ ...asc, limit: 2, offset: 2 })), at(2, 3));
    assert.deepEqual(ids(await store().listGrants({ ...asc, limit: 2, offset: 4 })), at(4));
    assert.deepEqual(ids(await store().listGrants({ ...asc, offset: 3 })), at(3, 4));
    assert.deepEqual(ids(await store().listGrants({ ...asc, limit: 0 })), []);
    assert.deepEqual(ids(await store().listGrants({ ...asc, offset: 10 })), []);
  });
  it('combines every filter', async () => {
    const list = await store().listGrants({
      clientId,
      provider,
      status: 'valid',
      since: T0,
      before: T0 + 4 * MINUTE,
      sortBy: 'updatedAt',
      order: 'desc',
      limit: 1,
      offset: 1,
    });
    assert.deepEqual(ids(list), at(2));
    assert.deepEqual(await store().listGrants({ clientId, email: 'user0@example.com', provider: 'google' }), []);
  });
  it('orders ties by id', async () => {
    const tieClient = `client-${randomUUID()}`;
    const tied = ['b', 'c', 'a'].map((s) => grant({ id: `${s}-${tieClient}`, clientId: tieClient }));
    for (const g of tied) await store().putGrant(g);
    const expected = tied.map((g) => g.id).sort();
    assert.deepEqual(ids(await store().listGrants({ clientId: tieClient })), expected);
    assert.deepEqual(ids(await store().listGrants({ clientId: tieClient, order: 'asc' })), expected);
  });
}
