import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { ConnectorRecord } from '../connectors/connector-records.js';
import type { AsConnectorStore, ContractContext } from './context.js';
import { connector, credential, T0 } from './fixtures.js';

/** Connector owners: the app's and each client's apart, and rows stored before owners existed upgraded to the app's. */
export function connectorOwnerCases(ctx: ContractContext, cs: AsConnectorStore): void {
  ownersApartCase(cs);
  credentialOwnersCase(cs);
  legacyOwnersCase(ctx, cs);
}

/** One owner's connector never answers for another's. */
function ownersApartCase(cs: AsConnectorStore): void {
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
}

/** A credential belongs to its connector's owner. */
function credentialOwnersCase(cs: AsConnectorStore): void {
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
}

/** Rows from before owners existed are the app's. */
function legacyOwnersCase(ctx: ContractContext, cs: AsConnectorStore): void {
  it('connectors and credentials stored before connectors had owners become the app\'s and serve every client', async (t) => {
    if (!cs(t)) return;
    const subject = ctx.subject();
    if (!subject.legacy) return t.skip('no legacy() hook for this store');
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
}
