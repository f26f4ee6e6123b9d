import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { hashSecret } from '../../../src/crypto/tokens.js';
import { storeFromUrl } from '../../../src/store/from-url.js';
import type { Store } from '../../../src/store/store.js';
import { freshPostgresUrl, freshRedisUrl, probePostgres, probeRedis, type FreshStoreUrl } from '../../support/servers.js';
import { accessToken, call, startApp, type AppProcess } from '../../support/processes.js';

/**
 * Two app processes with the grant cache on one store. A's event loop is kept busy by a CPU-bound
 * route while it serves guarded reads; B revokes tokens. A store that answers must never turn into
 * 503s on A (its deadlines measure the store's time, and its cache steps aside rather than stop
 * serving), and a token revoked on B must be refused by A within a second, however busy A is.
 */
const DURATION_MS = process.env['CI'] ? 30_000 : 8_000;
/** The example's storeTimeoutMs (the kit's default). */
const STORE_TIMEOUT_MS = 2000;
/** Concurrent loops on /spin, each call 50 to 200 ms of CPU: blocks of up to about a second. */
const SPINNERS = 5;
const READERS = 8;
const TOKENS = 24;
const REVOCATIONS = 16;

interface Read {
  readonly token: string;
  readonly sent: number;
  readonly answered: number;
  readonly status: number;
}

interface Probe {
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
}

function busyInstance(name: string, makeUrl: () => FreshStoreUrl, skip: string | false): void {
  describe(`a busy instance on ${name} with the cache`, { skip, timeout: DURATION_MS + 180_000 }, () => {
    let a: AppProcess;
    let b: AppProcess;
    let store: Store;
    let cleanup: () => Promise<void> = async () => {};

    before(async () => {
      const fresh = makeUrl();
      cleanup = fresh.cleanup;
      // One after the other: both migrate at start-up, and that race is two-instances.test.ts's.
      a = await startApp({ GRANTKIT_STORE: fresh.url }, 'test/e2e/multi/busy-worker.ts');
      b = await startApp({ GRANTKIT_STORE: fresh.url });
      store = await storeFromUrl(fresh.url);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await store?.close?.();
      await cleanup();
    });

    it('no guarded read answers 503 while the store answers, and no revoked token answers 200 a second after its revocation', async (t) => {
      const tokens: string[] = [];
      for (let i = 0; i < TOKENS; i++) tokens.push((await accessToken(b.url, `busy-${i}-${randomUUID()}@example.com`)).token);
      // A has every token cached before the load starts.
      for (const token of tokens) assert.equal((await call(a.url, 'GET', '/messages', { token })).status, 200);

      const until = performance.now() + DURATION_MS;
      const running = (): boolean => performance.now() < until;
      const reads: Read[] = [];
      const probes: Probe[] = [];
      const revokedAt = new Map<string, number>();
      let spins = 0;

      const spinner = async (): Promise<void> => {
        while (running()) {
          const r = await call(a.url, 'GET', `/spin?ms=${50 + Math.floor(Math.random() * 151)}`);
          assert.equal(r.status, 200);
          spins++;
        }
      };
      const reader = async (): Promise<void> => {
        while (running()) {
          const token = tokens[Math.floor(Math.random() * tokens.length)]!;
          const sent = performance.now();
          const r = await call(a.url, 'GET', '/messages', { token });
          reads.push({ token, sent, answered: performance.now(), status: r.status });
        }
      };
      const revoker = async (): Promise<void> => {
        for (const token of tokens.slice(0, REVOCATIONS)) {
          await sleep((DURATION_MS * 0.8) / REVOCATIONS);
          assert.equal((await call(b.url, 'POST', '/oauth/revoke', { token })).status, 200);
          // Took effect: the revoke call returned.
          revokedAt.set(token, performance.now());
        }
      };
      // The store's own answer time, from a process that is not busy.
      const prober = async (): Promise<void> => {
        while (running()) {
          const start = performance.now();
          const ok = await Promise.resolve(store.resolve(hashSecret(randomBytes(16).toString('hex')), Date.now())).then(
            () => true,
            () => false,
          );
          probes.push({ start, end: performance.now(), ok });
          await sleep(100);
        }
      };
      await Promise.all([
        ...Array.from({ length: SPINNERS }, spinner),
        ...Array.from({ length: READERS }, reader),
        revoker(),
        prober(),
      ]);

      const storeSlowDuring = (r: Read): boolean =>
        probes.some((p) => p.start < r.answered && p.end > r.sent && (!p.ok || p.end - p.start >= STORE_TIMEOUT_MS));
      const refused = reads.filter((r) => r.status === 503 && !storeSlowDuring(r));
      const unexpected = reads.filter((r) => r.status !== 200 && r.status !== 401 && r.status !== 503);
      const late = reads.filter((r) => {
        const at = revokedAt.get(r.token);
        return at !== undefined && r.sent > at + 1000 && r.status === 200;
      });
      const checked = reads.filter((r) => {
        const at = revokedAt.get(r.token);
        return at !== undefined && r.sent > at + 1000;
      });
      const slowest = Math.max(...reads.map((r) => r.answered - r.sent));
      const summary = `${reads.length} reads (slowest ${Math.round(slowest)} ms), ${spins} spins, ${revokedAt.size} revocations, ${checked.length} reads of revoked tokens`;
      const counts = new Map<number, number>();
      for (const r of reads) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      const statuses = [...counts].map(([s, n]) => `${s}: ${n}`);
      t.diagnostic(`${summary}; statuses ${statuses.join(', ')}; refused ${refused.length}, late ${late.length}`);
      assert.ok(spins > 0 && reads.length > 0, summary);
      assert.deepEqual(unexpected.map((r) => r.status), [], summary);
      assert.equal(refused.length, 0, `503 while the store answered: ${refused.length} of ${summary}`);
      assert.equal(revokedAt.size, REVOCATIONS);
      assert.ok(checked.length > 0, `no read looked at a revoked token: ${summary}`);
      const lateness = late.map((r) => Math.round(r.sent - revokedAt.get(r.token)!));
      assert.deepEqual(lateness, [], `revoked tokens answered 200 this many ms after their revocation: ${summary}`);
    });
  });
}

busyInstance('PostgreSQL', freshPostgresUrl, await probePostgres());
busyInstance('Redis', freshRedisUrl, await probeRedis());
