import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { GrantRecord, Invalidation, TokenKind, TokenRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { isConnectorStore, type ConnectorRecord, type ConnectorStore, type CredentialRecord } from '../connectors/records.js';

export interface StoreUnderTest {
  readonly store: Store;
  /** Drops whatever the run created (a schema, a key prefix, a file). */
  readonly cleanup: () => Promise<void>;
  /**
   * Optional: opens a second instance on the same backend, as another process of the app would
   * (for a shared store: the same database schema or key prefix). With it, the suite checks that
   * changes made through one instance reach the other's `subscribe` listeners within 1 second.
   * The suite closes it.
   */
  readonly peer?: () => Promise<Store>;
  /**
   * Optional: a fresh store opened on a backend that already holds these connectors and
   * credentials as a version without connector owners wrote them (its schema, its rows), so the
   * suite checks the upgrade: they become the app's and serve every client. Its cleanup drops it.
   */
  readonly legacy?: (rows: LegacyConnectorRows) => Promise<{ store: Store & ConnectorStore; cleanup: () => Promise<void> }>;
}

/** Connectors and credentials as they were stored before connectors had owners. */
export interface LegacyConnectorRows {
  readonly connectors: readonly Omit<ConnectorRecord, 'owner' | 'clients'>[];
  readonly credentials: readonly Omit<CredentialRecord, 'owner'>[];
}

export interface StoreContractOptions {
  /** A reason to skip the whole suite (for example, the server is not reachable), or false to run it. */
  readonly skip?: string | false;
}

/** Stores may expose everything they hold as plain data; the suite then checks no secret is in it. */
interface Dumpable {
  dump(): unknown;
}

// A fixed clock far from the real one: a store that compares expiry to its own clock fails here.
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

/**
 * The behaviour every Store must share, as a node:test suite. Call it from a test file to certify a
 * store of your own:
 *
 *   storeContract('my store', async () => ({ store: new MyStore(), cleanup: async () => {} }));
 *
 * `makeStore` runs once for the suite; every test uses fresh ids, so a store that already holds data
 * passes too. Expiry is checked against the `now` argument with a clock far from the real one.
 * A store with `subscribe` must announce every revocation and grant change to its listeners
 * within 1 s; give `peer` (a second instance on the same backend) to check it across instances.
 */
export function storeContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  opts: StoreContractOptions = {},
): void {
  describe(`store contract: ${name}`, { skip: opts.skip ?? false }, () => {
    let subject: StoreUnderTest | undefined;
    let peer: Store | undefined;
    const store = (): Store => {
      assert.ok(subject, 'makeStore did not produce a store');
      return subject.store;
    };
    before(async () => {
      subject = await makeStore();
      peer = await subject.peer?.();
    });
    after(async () => {
      await peer?.close?.();
      if (!subject) return;
      await subject.cleanup();
    });

    describe('grants', () => {
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

      describe('listGrants', () => {
        // Five grants of one client, created a minute apart, updated in the reverse order.
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

        before(async () => {
          for (const g of grants) await store().putGrant(g);
          // The same email under another client must not leak into a client's list.
          await store().putGrant(grant({ email: shared, provider }));
        });

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
      });
    });

    describe('tokens', () => {
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
    });

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

    describe('revocation', () => {
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
        const other = peer ?? store();
        await Promise.all([
          ...writes.slice(0, 10).map((t) => store().putToken(t.record)),
          other.revokeFamily(family),
          ...writes.slice(10).map((t) => other.putToken(t.record)),
        ]);
        for (const kind of ['access', 'refresh'] as const) assert.deepEqual(await store().listTokens({ kind, grantId }), []);
        for (const t of writes) assert.equal(await store().resolve(t.record.hash, T0), undefined);
      });

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
    });

    // The rate limits count a bearer token `resolve` does not return as a guess, unless the store
    // knows it: held (live or expired), or revoked within REVOKED_TOKEN_RETENTION_MS. A token
    // revoked a moment ago is no guess, so each way of revoking must leave the store knowing the
    // access tokens and API keys it removed (their hashes only); codes, flows and refresh tokens
    // are never bearer tokens, so nothing is kept of them.
    describe('knows (stores with knows)', () => {
      const knows = (hash: string): Promise<boolean> => {
        const s = store();
        assert.ok(s.knows);
        return s.knows(hash);
      };
      const unknown = (): string => hashSecret(newSecret(TOKEN_PREFIX.access));

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
        const s = store() as Store & Partial<Dumpable>;
        if (typeof s.dump === 'function') {
          const text = JSON.stringify(await s.dump());
          for (const i of [access, key]) {
            assert.ok(text.includes(i.record.hash), `the dump should hold the revoked ${i.record.kind}'s hash`);
            assert.ok(!text.includes(i.secret) && !text.includes(i.secret.slice(PREFIX[i.record.kind].length)), `the dump holds a plaintext ${i.record.kind}`);
          }
        }
      });

      it('a revoked token is still known to the store, so it is not a guess: revokeFamily', async (t) => {
        if (!store().knows) return t.skip('the store has no knows()');
        const family = `family-${randomUUID()}`;
        const grantId = `grant-${randomUUID()}`;
        const access = [token('access', { family, grantId }), token('access', { family, grantId, expiresAt: null })];
        const others = [token('refresh', { family, grantId }), token('code', { family, grantId })];
        for (const i of [...access, ...others]) await store().putToken(i.record);
        assert.equal(await store().revokeFamily(family), 4);
        for (const i of access) {
          assert.equal(await store().resolve(i.record.hash, T0), undefined);
          assert.equal(await knows(i.record.hash), true);
        }
        for (const i of others) assert.equal(await knows(i.record.hash), false, `nothing is kept of a revoked ${i.record.kind}`);
      });

      it('a revoked token is still known to the store, so it is not a guess: revokeGrantTokens', async (t) => {
        if (!store().knows) return t.skip('the store has no knows()');
        const g = grant();
        await store().putGrant(g);
        const access = [token('access', { grantId: g.id }), token('access', { grantId: g.id, family: null })];
        const others = [token('refresh', { grantId: g.id }), token('code', { grantId: g.id })];
        const bystander = token('access', { grantId: `other-${g.id}` });
        for (const i of [...access, ...others, bystander]) await store().putToken(i.record);
        assert.equal(await store().revokeGrantTokens(g.id), 4);
        for (const i of access) {
          assert.equal(await store().resolve(i.record.hash, T0), undefined);
          assert.equal(await knows(i.record.hash), true);
        }
        for (const i of others) assert.equal(await knows(i.record.hash), false, `nothing is kept of a revoked ${i.record.kind}`);
        assert.deepEqual(await store().listTokens({ kind: 'access', grantId: g.id }), []);
        assert.ok(await store().resolve(bystander.record.hash, T0), "another grant's token is untouched");
      });

      it('a revoked token is still known to the store, so it is not a guess: deleteGrant', async (t) => {
        if (!store().knows) return t.skip('the store has no knows()');
        const g = grant();
        await store().putGrant(g);
        const access = [token('access', { grantId: g.id }), token('access', { grantId: g.id, family: null })];
        const others = [token('refresh', { grantId: g.id }), token('code', { grantId: g.id })];
        for (const i of [...access, ...others]) await store().putToken(i.record);
        assert.equal(await store().deleteGrant(g.id), true);
        for (const i of access) {
          assert.equal(await store().resolve(i.record.hash, T0), undefined);
          assert.equal(await knows(i.record.hash), true);
        }
        for (const i of others) assert.equal(await knows(i.record.hash), false, `nothing is kept of a revoked ${i.record.kind}`);
        assert.deepEqual(await store().listTokens({ kind: 'access', grantId: g.id }), []);
      });
    });

    describe('secrets at rest', () => {
      it('a dump holds token hashes, never the tokens', async (t) => {
        const s = store() as Store & Partial<Dumpable>;
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

    describe('broadcast (stores with subscribe)', () => {
      // Changes are made through the peer when there is one, so the message must cross instances.
      const writer = (): Store => peer ?? store();

      /** Subscribes on the subject and runs `change`; resolves with the events heard within 1 s that match. */
      async function hear(change: () => Promise<unknown>, match: (e: Invalidation) => boolean): Promise<number> {
        const s = store();
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

      it('a revoked token is announced by its hash', async (t) => {
        if (!store().subscribe) return t.skip('the store has no subscribe()');
        const tok = token('access');
        await writer().putToken(tok.record);
        await hear(() => writer().revokeToken(tok.record.hash), (e) => e.tokenHash === tok.record.hash);
      });

      it('a revoked family is announced by its name', async (t) => {
        if (!store().subscribe) return t.skip('the store has no subscribe()');
        const family = `family-${randomUUID()}`;
        await writer().putToken(token('access', { family }).record);
        await hear(() => writer().revokeFamily(family), (e) => e.family === family);
      });

      it("revoking a grant's tokens, changing a grant and deleting it are announced by the grant id", async (t) => {
        if (!store().subscribe) return t.skip('the store has no subscribe()');
        const g = grant();
        await hear(() => writer().putGrant(g), (e) => e.grantId === g.id);
        await writer().putToken(token('access', { grantId: g.id }).record);
        await hear(() => writer().revokeGrantTokens(g.id), (e) => e.grantId === g.id);
        await hear(() => writer().putGrant({ ...g, status: 'invalid', updatedAt: T0 + 1 }), (e) => e.grantId === g.id);
        await hear(() => writer().deleteGrant(g.id), (e) => e.grantId === g.id);
      });

      it('every subscriber hears it, and an unsubscribed listener no longer does', async (t) => {
        const s = store();
        if (!s.subscribe) return t.skip('the store has no subscribe()');
        const early: Invalidation[] = [];
        const unsubscribeEarly = await s.subscribe({ onInvalidate: (e) => early.push(e) });
        const gone = token('access');
        await writer().putToken(gone.record);
        await unsubscribeEarly();
        await hear(() => writer().revokeToken(gone.record.hash), (e) => e.tokenHash === gone.record.hash);
        assert.ok(!early.some((e) => e.tokenHash === gone.record.hash), 'an unsubscribed listener was called');

        const both: Invalidation[][] = [[], []];
        const unsubscribers = await Promise.all(both.map((list) => s.subscribe!({ onInvalidate: (e) => list.push(e) })));
        const tok = token('access');
        await writer().putToken(tok.record);
        await writer().revokeToken(tok.record.hash);
        const deadline = Date.now() + 1000;
        while (!both.every((l) => l.some((e) => e.tokenHash === tok.record.hash)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        for (const u of unsubscribers) await u();
        assert.ok(both.every((l) => l.some((e) => e.tokenHash === tok.record.hash)), 'a subscriber missed the revocation');
      });
    });

    // Stores that also keep connectors and credentials (ConnectorStore); the others skip these.
    describe('connectors and credentials (ConnectorStore)', () => {
      /** The subject as a ConnectorStore, or a skip. */
      const cs = (t: { skip: (reason: string) => void }): (Store & ConnectorStore) | undefined => {
        const s = store();
        if (isConnectorStore(s)) return s;
        t.skip('the store does not implement ConnectorStore');
        return undefined;
      };
      // Providers are random: a store holds one connector per provider, and may hold others' data.
      const mine = (list: readonly ConnectorRecord[], providers: readonly string[]): string[] =>
        list.filter((c) => providers.includes(c.provider)).map((c) => c.provider);

      it('puts, gets, replaces and deletes a connector by provider', async (t) => {
        const s = cs(t);
        if (!s) return;
        const c = connector();
        assert.equal(await s.getConnector(c.provider, null), undefined);
        await s.putConnector(c);
        assert.deepEqual(await s.getConnector(c.provider, null), c);
        const replaced: ConnectorRecord = { ...c, id: `connector-${randomUUID()}`, name: 'renamed', clientSecret: null, updatedAt: T0 + 1 };
        await s.putConnector(replaced);
        assert.deepEqual(await s.getConnector(c.provider, null), replaced);
        assert.equal(mine(await s.listConnectors(), [c.provider]).length, 1, 'one connector per provider');
        assert.equal(await s.deleteConnector(c.provider, null), true);
        assert.equal(await s.getConnector(c.provider, null), undefined);
        assert.equal(await s.deleteConnector(c.provider, null), false);
      });

      it('keeps every connector field as given: sealed secret, nulls apart from empties, order of scopes', async (t) => {
        const s = cs(t);
        if (!s) return;
        const full = connector({
          name: 'Zoë’s “app” \u{1F600}',
          settings: { tenant: 'common', topic_name: 'projects/p/topics/t', empty: '', quote: '"\\\n' },
          defaultScopes: ['z.read', 'a.write', 'https://example.com/scope?x=1'],
          allowedScopes: ['https://example.com/scope?x=1', 'z.read', 'a.write', 'extra'],
          endpoints: { authorizationUrl: 'https://idp.example/auth', tokenUrl: 'https://idp.example/token' },
          activeCredentialId: `credential-${randomUUID()}`,
        });
        const bare = connector({
          clientId: null,
          clientSecret: null,
          settings: {},
          defaultScopes: [],
          allowedScopes: [],
          endpoints: {},
        });
        const nulls = connector({ allowedScopes: null, endpoints: null, activeCredentialId: null });
        for (const c of [full, bare, nulls]) {
          await s.putConnector(c);
          assert.deepEqual(await s.getConnector(c.provider, null), c);
          assert.deepEqual((await s.listConnectors()).find((x) => x.provider === c.provider), c);
        }
        const read = await s.getConnector(full.provider, null);
        assert.equal(read?.clientSecret, full.clientSecret, 'the sealed secret comes back byte for byte');
        assert.equal(read?.createdAt, T0);
        assert.equal(typeof read?.createdAt, 'number');
        for (const c of [full, bare, nulls]) await s.deleteConnector(c.provider, null);
      });

      it('lists connectors in the order first put: a replacement keeps its place, a re-put goes last', async (t) => {
        const s = cs(t);
        if (!s) return;
        const cs3 = [0, 1, 2].map((i) => connector({ createdAt: T0 + i * MINUTE, updatedAt: T0 + i * MINUTE }));
        const providers = cs3.map((c) => c.provider);
        for (const c of cs3) await s.putConnector(c);
        assert.deepEqual(mine(await s.listConnectors(), providers), providers);
        const first = cs3[0]!;
        await s.putConnector({ ...first, name: 'updated', updatedAt: T0 + 10 * MINUTE });
        const listed = await s.listConnectors();
        assert.deepEqual(mine(listed, providers), providers);
        assert.equal(listed.find((c) => c.provider === first.provider)?.name, 'updated');
        await s.deleteConnector(first.provider, null);
        assert.deepEqual(mine(await s.listConnectors(), providers), providers.slice(1));
        await s.putConnector(first);
        assert.deepEqual(mine(await s.listConnectors(), providers), [...providers.slice(1), first.provider]);
        for (const p of providers) await s.deleteConnector(p, null);
        assert.deepEqual(mine(await s.listConnectors(), providers), []);
      });

      it('puts, gets, replaces and deletes a credential by id, every field as given', async (t) => {
        const s = cs(t);
        if (!s) return;
        const provider = `provider-${randomUUID()}`;
        const c = credential(provider, { type: 'serviceaccount' });
        assert.equal(await s.getCredential(c.id), undefined);
        await s.putCredential(c);
        assert.deepEqual(await s.getCredential(c.id), c);
        const replaced: CredentialRecord = { ...c, name: 'renamed', type: 'connector', data: `v1.k.${randomUUID()}`, updatedAt: T0 + 5 };
        await s.putCredential(replaced);
        assert.deepEqual(await s.getCredential(c.id), replaced);
        assert.deepEqual(await s.listCredentials(provider, null), [replaced]);
        assert.equal(await s.deleteCredential(c.id), true);
        assert.equal(await s.getCredential(c.id), undefined);
        assert.deepEqual(await s.listCredentials(provider, null), []);
        assert.equal(await s.deleteCredential(c.id), false);
      });

      it("lists a provider's credentials only, in the order first put, whole and stable (the routes sort and page it)", async (t) => {
        const s = cs(t);
        if (!s) return;
        const provider = `provider-${randomUUID()}`;
        // Created in order, updated in reverse, as a sort by created_at or updated_at would see them.
        const creds = Array.from({ length: 12 }, (_, i) =>
          credential(provider, { name: `cred-${i}`, createdAt: T0 + i * MINUTE, updatedAt: T0 + (20 - i) * MINUTE }),
        );
        const other = credential(`other-${provider}`);
        for (const [i, c] of creds.entries()) {
          await s.putCredential(c);
          if (i === 5) await s.putCredential(other);
        }
        const ids = creds.map((c) => c.id);
        const listed = await s.listCredentials(provider, null);
        assert.deepEqual(listed, creds);
        assert.deepEqual((await s.listCredentials(provider, null)).map((c) => c.id), ids, 'the same order on every call');
        assert.deepEqual(await s.listCredentials(`other-${provider}`, null), [other]);
        assert.deepEqual(await s.listCredentials(`none-${provider}`, null), []);
        // A replacement keeps its place; a deleted one leaves a gap; a re-put one goes last.
        const third = creds[2]!;
        await s.putCredential({ ...third, name: 'renamed', updatedAt: T0 + 99 * MINUTE });
        assert.deepEqual((await s.listCredentials(provider, null)).map((c) => c.id), ids);
        const fourth = creds[3]!;
        await s.deleteCredential(fourth.id);
        const withoutFourth = ids.filter((id) => id !== fourth.id);
        assert.deepEqual((await s.listCredentials(provider, null)).map((c) => c.id), withoutFourth);
        await s.putCredential(fourth);
        assert.deepEqual((await s.listCredentials(provider, null)).map((c) => c.id), [...withoutFourth, fourth.id]);
        // Paging the way the routes do it (sort, then slice) gives every credential exactly once.
        const byUpdated = (await s.listCredentials(provider, null)).sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1));
        const pages = [0, 5, 10].flatMap((offset) => byUpdated.slice(offset, offset + 5).map((c) => c.id));
        assert.deepEqual([...pages].sort(), [...ids].sort());
        await s.deleteConnector(provider, null);
        await s.deleteConnector(`other-${provider}`, null);
      });

      it('a credential moved to another provider lists under that one only', async (t) => {
        const s = cs(t);
        if (!s) return;
        const from = `provider-${randomUUID()}`;
        const to = `provider-${randomUUID()}`;
        const c = credential(from);
        await s.putCredential(c);
        await s.putCredential({ ...c, provider: to });
        assert.deepEqual(await s.listCredentials(from, null), []);
        assert.deepEqual(await s.listCredentials(to, null), [{ ...c, provider: to }]);
        assert.equal(await s.deleteConnector(from, null), false);
        assert.deepEqual(await s.getCredential(c.id), { ...c, provider: to }, 'deleting the old provider leaves it');
        await s.deleteCredential(c.id);
      });

      it("deleting a connector deletes its provider's credentials, and only those", async (t) => {
        const s = cs(t);
        if (!s) return;
        const c = connector();
        const other = connector();
        await s.putConnector(c);
        await s.putConnector(other);
        const creds = [credential(c.provider, { type: 'serviceaccount' }), credential(c.provider)];
        const kept = credential(other.provider);
        for (const x of [...creds, kept]) await s.putCredential(x);
        await s.putConnector({ ...c, activeCredentialId: creds[0]!.id });
        assert.equal(await s.deleteConnector(c.provider, null), true);
        for (const x of creds) assert.equal(await s.getCredential(x.id), undefined);
        assert.deepEqual(await s.listCredentials(c.provider, null), []);
        assert.deepEqual(await s.getCredential(kept.id), kept);
        assert.deepEqual(await s.listCredentials(other.provider, null), [kept]);
        assert.deepEqual(await s.getConnector(other.provider, null), other);
        // A new connector for the provider starts with no credential.
        await s.putConnector(connector({ provider: c.provider }));
        assert.deepEqual(await s.listCredentials(c.provider, null), []);
        await s.deleteConnector(c.provider, null);
        await s.deleteConnector(other.provider, null);
        assert.equal(await s.getCredential(kept.id), undefined);
      });

      it("keeps the app's connector of a provider and each client's apart, owner and clients as given", async (t) => {
        const s = cs(t);
        if (!s) return;
        const provider = `provider-${randomUUID()}`;
        const app = connector({ provider, clients: ['client-b', 'client-a'] });
        const a = connector({ provider, owner: 'client-a' });
        const b = connector({ provider, owner: 'client-b' });
        for (const c of [app, a, b]) await s.putConnector(c);
        assert.deepEqual(await s.getConnector(provider, null), app);
        assert.deepEqual(await s.getConnector(provider, 'client-a'), a);
        assert.deepEqual(await s.getConnector(provider, 'client-b'), b);
        assert.equal(await s.getConnector(provider, 'client-c'), undefined, 'no owner answers for another');
        assert.deepEqual(
          (await s.listConnectors()).filter((c) => c.provider === provider),
          [app, a, b],
          'every owner is listed, in the order first put',
        );
        // Replacing one owner's connector leaves the others as they were.
        const renamed = { ...a, id: `connector-${randomUUID()}`, name: 'renamed', updatedAt: T0 + 1 };
        await s.putConnector(renamed);
        assert.deepEqual(await s.getConnector(provider, 'client-a'), renamed);
        assert.deepEqual(await s.getConnector(provider, null), app);
        assert.deepEqual(await s.getConnector(provider, 'client-b'), b);
        // Deleting one owner's connector leaves the others.
        assert.equal(await s.deleteConnector(provider, 'client-b'), true);
        assert.equal(await s.getConnector(provider, 'client-b'), undefined);
        assert.deepEqual(await s.getConnector(provider, null), app);
        assert.deepEqual(await s.getConnector(provider, 'client-a'), renamed);
        assert.equal(await s.deleteConnector(provider, 'client-c'), false);
        // An empty clients list stays apart from null (every client).
        await s.putConnector({ ...app, clients: [] });
        assert.deepEqual((await s.getConnector(provider, null))?.clients, []);
        await s.deleteConnector(provider, null);
        await s.deleteConnector(provider, 'client-a');
        assert.deepEqual((await s.listConnectors()).filter((c) => c.provider === provider), []);
      });

      it("a connector's credentials are its owner's: listing and deleting one owner's never touches another's", async (t) => {
        const s = cs(t);
        if (!s) return;
        const provider = `provider-${randomUUID()}`;
        await s.putConnector(connector({ provider }));
        await s.putConnector(connector({ provider, owner: 'client-a' }));
        const appCred = credential(provider);
        const aCred = credential(provider, { owner: 'client-a', name: appCred.name });
        await s.putCredential(appCred);
        await s.putCredential(aCred);
        assert.deepEqual(await s.getCredential(aCred.id), aCred);
        assert.deepEqual(await s.listCredentials(provider, null), [appCred]);
        assert.deepEqual(await s.listCredentials(provider, 'client-a'), [aCred]);
        assert.deepEqual(await s.listCredentials(provider, 'client-b'), []);
        assert.equal(await s.deleteConnector(provider, 'client-a'), true);
        assert.equal(await s.getCredential(aCred.id), undefined);
        assert.deepEqual(await s.getCredential(appCred.id), appCred, "the app's credential stays");
        assert.equal(await s.deleteConnector(provider, null), true);
        assert.equal(await s.getCredential(appCred.id), undefined);
      });

      it('connectors and credentials stored before connectors had owners become the app\'s and serve every client', async (t) => {
        if (!cs(t)) return;
        if (!subject?.legacy) return t.skip('no legacy() hook for this store');
        const provider = `provider-${randomUUID()}`;
        const { owner: _o, clients: _c, ...old } = connector({ provider, allowedScopes: ['a', 'b'] });
        const other = (({ owner: _x, clients: _y, ...rest }) => rest)(connector());
        const { owner: _p, ...oldCred } = credential(provider, { type: 'serviceaccount' });
        const legacy = await subject.legacy({ connectors: [old, other], credentials: [oldCred] });
        try {
          const s = legacy.store;
          const upgraded: ConnectorRecord = { ...old, owner: null, clients: null };
          assert.deepEqual(await s.getConnector(provider, null), upgraded);
          assert.equal(await s.getConnector(provider, 'client-a'), undefined, 'no client owns it');
          assert.deepEqual(
            (await s.listConnectors()).filter((c) => c.provider === provider || c.provider === other.provider),
            [upgraded, { ...other, owner: null, clients: null }],
            'the order first put survives',
          );
          assert.deepEqual(await s.getCredential(oldCred.id), { ...oldCred, owner: null });
          assert.deepEqual(await s.listCredentials(provider, null), [{ ...oldCred, owner: null }]);
          // The key is now (owner, provider): a client's connector of the same provider sits beside it.
          const mine = connector({ provider, owner: 'client-a' });
          await s.putConnector(mine);
          assert.deepEqual(await s.getConnector(provider, 'client-a'), mine);
          assert.deepEqual(await s.getConnector(provider, null), upgraded);
          // An operator narrows the app's connector by putting it back with clients (or an owner).
          await s.putConnector({ ...upgraded, clients: ['client-b'] });
          assert.deepEqual((await s.getConnector(provider, null))?.clients, ['client-b']);
          assert.equal(await s.deleteConnector(provider, null), true);
          assert.equal(await s.getCredential(oldCred.id), undefined);
          assert.deepEqual(await s.getConnector(provider, 'client-a'), mine);
        } finally {
          await legacy.store.close?.();
          await legacy.cleanup();
        }
      });

      it('a dump holds connectors and credentials with their secrets as sealed', async (t) => {
        const s = cs(t);
        if (!s) return;
        const d = s as Store & Partial<Dumpable>;
        if (typeof d.dump !== 'function') return t.skip('the store has no dump()');
        const c = connector();
        const cred = credential(c.provider);
        await s.putConnector(c);
        await s.putCredential(cred);
        const text = JSON.stringify(await d.dump());
        for (const value of [c.id, c.clientSecret!, cred.id, cred.data]) {
          assert.ok(text.includes(value), `the dump should hold ${value.slice(0, 16)}…`);
        }
        await s.deleteConnector(c.provider, null);
      });

      it('leaves tokens, grants and the broadcast alone: no invalidation is sent for connectors', async (t) => {
        const s = cs(t);
        if (!s) return;
        const g = grant();
        await s.putGrant(g);
        const tok = token('access', { grantId: g.id, clientId: g.clientId });
        await s.putToken(tok.record);
        const before = await s.resolve(tok.record.hash, T0);

        // The writer may be a peer instance; its connector writes must not reach this one's listeners.
        const w = peer ?? s;
        const writes = isConnectorStore(w) ? w : s;
        const heard: Invalidation[] = [];
        const unsubscribe = await s.subscribe?.({ onInvalidate: (e) => heard.push(e) });
        try {
          const c = connector();
          const cred = credential(c.provider);
          await writes.putConnector(c);
          await writes.putCredential(cred);
          await writes.putCredential({ ...cred, updatedAt: T0 + 1 });
          await writes.deleteCredential(cred.id);
          await writes.putCredential(cred);
          await writes.deleteConnector(c.provider, null);
          if (unsubscribe) {
            // A sentinel revocation: once it is heard, anything the connector writes sent would have been too.
            const sentinel = token('access');
            await w.putToken(sentinel.record);
            await w.revokeToken(sentinel.record.hash);
            const deadline = Date.now() + 1000;
            while (!heard.some((e) => e.tokenHash === sentinel.record.hash) && Date.now() < deadline) {
              await new Promise((r) => setTimeout(r, 10));
            }
            assert.deepEqual(heard, [{ tokenHash: sentinel.record.hash }], 'only the sentinel was announced');
          }
        } finally {
          await unsubscribe?.();
        }
        assert.deepEqual(await s.resolve(tok.record.hash, T0), before);
        assert.deepEqual(await s.getGrant(g.id), g);
      });
    });
  });
}

interface Issued {
  readonly secret: string;
  readonly record: TokenRecord;
}

const PREFIX: Record<TokenKind, string> = {
  access: TOKEN_PREFIX.access,
  refresh: TOKEN_PREFIX.refresh,
  code: TOKEN_PREFIX.code,
  flow: TOKEN_PREFIX.flow,
  api_key: TOKEN_PREFIX.apiKey,
};

function token(kind: TokenKind, over: Partial<TokenRecord> = {}): Issued {
  const secret = newSecret(PREFIX[kind]);
  const record: TokenRecord = {
    hash: hashSecret(secret),
    kind,
    clientId: 'client-contract',
    grantId: `grant-${randomUUID()}`,
    family: `family-${randomUUID()}`,
    createdAt: T0,
    expiresAt: T0 + 10 * MINUTE,
    data: null,
    ...over,
  };
  return { secret, record };
}

function connector(over: Partial<ConnectorRecord> = {}): ConnectorRecord {
  const id = `connector-${randomUUID()}`;
  return {
    id,
    provider: `provider-${randomUUID()}`,
    name: 'Contract connector',
    clientId: `client-id-${randomUUID()}`,
    // Shaped like a keyring seal: the store keeps it as an opaque string.
    clientSecret: `v1.kid.${Buffer.from(randomUUID()).toString('base64url')}`,
    settings: { tenant: 'common' },
    defaultScopes: ['openid', 'email'],
    allowedScopes: null,
    endpoints: null,
    activeCredentialId: null,
    owner: null,
    clients: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

function credential(provider: string, over: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    id: `credential-${randomUUID()}`,
    provider,
    owner: null,
    name: `credential-${randomUUID()}`,
    type: 'connector',
    data: `v1.kid.${Buffer.from(randomUUID()).toString('base64url')}`,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

function grant(over: Partial<GrantRecord> = {}): GrantRecord {
  const id = over.id ?? `grant-${randomUUID()}`;
  return {
    id,
    clientId: `client-${randomUUID()}`,
    provider: 'google',
    email: `${id}@example.com`,
    name: 'Ada Lovelace',
    scopes: ['email.read_only', 'calendar'],
    status: 'valid',
    settings: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}
