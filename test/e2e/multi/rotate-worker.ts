/**
 * One app process's refresh attempt, for the two-process rotation test: opens the store named by
 * GRANTKIT_STORE, waits for the agreed start time, then makes 10 concurrent rotations of the same
 * refresh token, each with its own next token, and prints how many were a first use.
 * (There is no refresh route yet: hosted OAuth comes with a later issue, so this drives
 * store.rotate as that route will.)
 */
import { hashSecret, newSecret, TOKEN_PREFIX } from '../../../src/crypto/tokens.js';
import { storeFromUrl } from '../../../src/store/from-url.js';

const store = await storeFromUrl(process.env['GRANTKIT_STORE'] ?? '');
const oldHash = process.env['OLD_HASH'] ?? '';
const grantId = process.env['GRANT_ID'] ?? '';
const startAt = Number(process.env['START_AT']);
const now = Date.now();
await store.listGrants({ limit: 1 }); // connected before the start, so both processes race for real
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const results = await Promise.all(
  Array.from({ length: 10 }, () => {
    const next = newSecret(TOKEN_PREFIX.refresh);
    return store.rotate(
      oldHash,
      { hash: hashSecret(next), kind: 'refresh', clientId: 'multi-client', grantId, family: oldHash, createdAt: now, expiresAt: now + 3_600_000, data: null },
      now,
    );
  }),
);
process.stdout.write(
  JSON.stringify({
    first: results.filter((r) => r?.firstUse === true).length,
    replay: results.filter((r) => r?.firstUse === false).length,
    none: results.filter((r) => r === undefined).length,
  }) + '\n',
);
await store.close?.();
