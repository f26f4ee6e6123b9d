import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Store } from '../store/store.js';
import { broadcastContract } from './broadcast.js';
import { connectorContract } from './connectors.js';
import { consumeRotateContract } from './consume-rotate.js';
import type { ContractContext, StoreContractOptions, StoreUnderTest } from './context.js';
import { deliveryContract } from './deliveries.js';
import { grantContract } from './grants.js';
import { knowsContract } from './knows.js';
import { revocationContract } from './revocation.js';
import { secretsContract } from './secrets.js';
import { tokenContract } from './tokens.js';

export type { LegacyConnectorRows, StoreContractOptions, StoreUnderTest } from './context.js';

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
 * A store with the webhook delivery queue must let no two claims, on one instance or two, take
 * the same due delivery.
 */
export function storeContract(name: string, makeStore: () => Promise<StoreUnderTest>, opts: StoreContractOptions = {}): void {
  describe(`store contract: ${name}`, { skip: opts.skip ?? false }, () => {
    let subject: StoreUnderTest | undefined;
    let peer: Store | undefined;
    const ctx: ContractContext = {
      subject: () => {
        assert.ok(subject, 'makeStore did not produce a store');
        return subject;
      },
      store: () => ctx.subject().store,
      peer: () => peer,
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

    grantContract(ctx);
    tokenContract(ctx);
    consumeRotateContract(ctx);
    revocationContract(ctx);
    knowsContract(ctx);
    secretsContract(ctx);
    broadcastContract(ctx);
    connectorContract(ctx);
    deliveryContract(ctx);
  });
}
