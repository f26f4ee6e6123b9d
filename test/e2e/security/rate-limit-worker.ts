/**
 * A second process on the same SQLite file: records `count` failed logins for one address and IP
 * through the kit's limits, then exits. Used by rate-limits.test.ts.
 */
import { createGrantKit, ProviderAuthError } from '../../../src/index.js';
import { SqliteStore } from '../../../src/store/sql/sqlite.js';

const [file, count, email, ip, limit] = process.argv.slice(2) as [string, string, string, string, string];
const store = new SqliteStore({ filename: file });
const kit = createGrantKit({
  clients: [{ id: 'test-client', secret: 'test-client-secret' }],
  secretKeys: ['k'.repeat(40)],
  store,
  rateLimits: { loginPerAddressAndIp: { limit: Number(limit), windowSeconds: 600 } },
});
let refused = 0;
for (let i = 0; i < Number(count); i++) {
  await kit.limits
    .login({ clientId: 'test-client', email, ip }, () => Promise.reject(new ProviderAuthError('wrong password')))
    .catch((e: { code?: string }) => {
      if (e.code === 'rate_limited') refused++;
    });
}
await kit.close();
process.stdout.write(JSON.stringify({ refused }));
