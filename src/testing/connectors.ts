import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Invalidation } from '../store/records.js';
import { isConnectorStore, type ConnectorRecord, type CredentialRecord } from '../connectors/connector-records.js';
import type { AsConnectorStore, ContractContext } from './context.js';
import { connectorOwnerCases } from './connector-owners.js';
import { connector, credential, grant, MINUTE, T0, token } from './fixtures.js';

/** Connectors and credentials: plain CRUD in the order first put, secrets kept as sealed, no broadcast. */
export function connectorContract(ctx: ContractContext): void {
  // Stores that also keep connectors and credentials (ConnectorStore); the others skip these.
  describe('connectors and credentials (ConnectorStore)', () => {
    const cs = asConnectorStore(ctx);
    connectorCases(cs);
    connectorOrderCase(cs);
    credentialCases(cs);
    credentialMoveCases(cs);
    connectorOwnerCases(ctx, cs);
    connectorDumpCase(cs);
    connectorBroadcastCase(ctx, cs);
  });
}

/** The subject as a ConnectorStore, or a skip. */
function asConnectorStore(ctx: ContractContext): AsConnectorStore {
  return (t) => {
    const s = ctx.store();
    if (isConnectorStore(s)) return s;
    t.skip('the store does not implement ConnectorStore');
    return undefined;
  };
}

// Providers are random: a store holds one connector per provider, and may hold others' data.
const mine = (list: readonly ConnectorRecord[], providers: readonly string[]): string[] =>
  list.filter((c) => providers.includes(c.provider)).map((c) => c.provider);

/** A connector round trip, every field as given. */
function connectorCases(cs: AsConnectorStore): void {
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
}

/** Connectors list in the order first put. */
function connectorOrderCase(cs: AsConnectorStore): void {
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
}

/** A credential round trip, and a provider's credentials in the order first put. */
function credentialCases(cs: AsConnectorStore): void {
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
}

/** A credential follows its provider: moved with it, deleted with its connector. */
function credentialMoveCases(cs: AsConnectorStore): void {
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
}

/** Secrets at rest stay sealed. */
function connectorDumpCase(cs: AsConnectorStore): void {
  it('a dump holds connectors and credentials with their secrets as sealed', async (t) => {
    const s = cs(t);
    if (!s) return;
    if (typeof s.dump !== 'function') return t.skip('the store has no dump()');
    const c = connector();
    const cred = credential(c.provider);
    await s.putConnector(c);
    await s.putCredential(cred);
    const text = JSON.stringify(await s.dump());
    for (const value of [c.id, c.clientSecret!, cred.id, cred.data]) {
      assert.ok(text.includes(value), `the dump should hold ${value.slice(0, 16)}…`);
    }
    await s.deleteConnector(c.provider, null);
  });
}

/** Connector writes are never broadcast: the grant cache never holds connectors. */
function connectorBroadcastCase(ctx: ContractContext, cs: AsConnectorStore): void {
  it('leaves tokens, grants and the broadcast alone: no invalidation is sent for connectors', async (t) => {
    const s = cs(t);
    if (!s) return;
    const g = grant();
    await s.putGrant(g);
    const tok = token('access', { grantId: g.id, clientId: g.clientId });
    await s.putToken(tok.record);
    const before = await s.resolve(tok.record.hash, T0);

    // The writer may be a peer instance; its connector writes must not reach this one's listeners.
    const w = ctx.peer() ?? s;
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
}
