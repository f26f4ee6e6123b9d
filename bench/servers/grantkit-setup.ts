import { randomUUID } from 'node:crypto';
import { createGrantKit, hashSecret, sandboxProvider, type GrantKit } from '../../src/index.js';
import { authorizeNative, redeemNative } from '../../src/flows/native.js';
import { kitContext } from '../../src/kit.js';
import type { GrantRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { GRANTS_IN_STORE, TOKEN_SCOPES } from './common.js';

export const CLIENT_ID = 'bench-client';
const SECRET_KEY = 'bench-secret-key-0123456789abcdef0123456789';

export interface Seeded {
  readonly kit: GrantKit;
  readonly accessToken: string;
}

/**
 * A kit on the given store, one access token issued through the real native flow (authorize, then
 * redeem the code), and filler grants so the token is one among GRANTS_IN_STORE.
 * `batch` lets a store run the filler inserts in one transaction (SQLite) where it can.
 */
export async function seedGrantkit(
  store: Store,
  batch: (work: () => Promise<void>) => Promise<void> = (w) => w(),
  cache = false,
): Promise<Seeded> {
  const kit = createGrantKit({
    clients: [{ id: CLIENT_ID }],
    providers: [sandboxProvider()],
    store,
    secretKeys: SECRET_KEY,
    // The bench checks for 0 non-2xx, so any unexpected failure is counted there; no log spam per request.
    onError: () => {},
    // The kit's per-instance cache (revocations reach it through the store's broadcast).
    cache,
  });
  await kit.ready();
  const none = { kind: 'none' } as const;
  const { code } = await authorizeNative(
    kitContext(kit),
    {
      client_id: CLIENT_ID,
      provider: 'sandbox',
      email_address: 'bench@example.com',
      scopes: [...TOKEN_SCOPES],
      settings: { password: 'sandbox' },
    },
    none,
  );
  const { accessToken } = await redeemNative(kitContext(kit), { client_id: CLIENT_ID, code }, none);
  await batch(() => fillGrants(store, GRANTS_IN_STORE - 1));
  return { kit, accessToken };
}

/** How the grants fillGrants writes differ from the bench token's (an empty name, TOKEN_SCOPES). */
export interface FillOptions {
  /** The access token of grant i (default: a random one nobody will present). */
  readonly tokenOf?: (i: number) => string;
  readonly grantOf?: (i: number) => Partial<Pick<GrantRecord, 'name' | 'scopes' | 'scopeVocabulary'>>;
}

/**
 * Writes `count` grants with one access token each, directly through the store (hashSecret, as the
 * flow does). Many writes in flight at once, so a networked store is seeded in seconds, not minutes.
 */
export async function fillGrants(store: Store, count: number, options: FillOptions = {}): Promise<void> {
  const now = Date.now();
  const inFlight = 64;
  for (let start = 0; start < count; start += inFlight) {
    const work: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + inFlight); i++) {
      const id = randomUUID();
      const token = options.tokenOf ? options.tokenOf(i) : `gk_at_filler_${id}`;
      work.push(
        store
          .putGrant({
            id,
            clientId: CLIENT_ID,
            provider: 'sandbox',
            email: `user${i}@example.com`,
            name: '',
            scopes: TOKEN_SCOPES,
            status: 'valid',
            settings: null,
            createdAt: now,
            updatedAt: now,
            ...options.grantOf?.(i),
          })
          .then(() =>
            store.putToken({
              hash: hashSecret(token),
              kind: 'access',
              clientId: CLIENT_ID,
              grantId: id,
              family: null,
              createdAt: now,
              expiresAt: null,
              data: null,
            }),
          ),
      );
    }
    await Promise.all(work);
  }
}
