/**
 * In-process figures (tinybench), run by run.ts after the HTTP rounds or alone with `--micro`.
 * Needs --expose-gc (run.ts passes it):
 *   - kit.authorize (token resolution + requireScopes guard) at 1 thousand and 1 million grants, memory and SQLite;
 *   - heap per grant (one grant plus its access token), from 100 thousand inserted;
 *   - native code exchanges per second (authorizeNative + redeemNative, the /connect/* core flows);
 *   - kit.authorize with @opentelemetry/api loaded and no SDK registered, against `telemetry: false`
 *     (the API not loaded), and with an `audit` function that does nothing.
 * Prints a markdown section, then one prefixed JSON line that run.ts reads.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Bench } from 'tinybench';
import { createGrantKit, GrantKitError, MemoryStore, sandboxProvider, type GrantKit, type GrantKitOptions, type ScopeGuard } from '../src/index.js';
import { authorizeNative, redeemNative } from '../src/flows/native.js';
import { SqliteStore } from '../src/store/sql/sqlite.js';
import type { Store } from '../src/store/store.js';
import { MESSAGE_PREFIX } from './protocol.js';
import { REQUIRED_SCOPE, TOKEN_SCOPES } from './servers/common.js';
import { CLIENT_ID, fillGrants } from './servers/grantkit-setup.js';
import { kitContext } from '../src/kit.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('bench/micro.ts needs node --expose-gc');
  process.exit(1);
}
const collect = (): void => {
  // Twice: the first pass can leave objects that only die once their finalizers ran.
  gc();
  gc();
};

/** Deterministic tokens, so any of a million can be regenerated for a probe without keeping them all. */
const tokenOf = (i: number): string => `gk_at_${createHash('sha256').update(`bench-${i}`).digest('base64url')}`;

const kitOn = (store: Store, extra: Partial<GrantKitOptions> = {}): GrantKit =>
  createGrantKit({
    clients: [{ id: CLIENT_ID }],
    providers: [sandboxProvider()],
    store,
    secretKeys: 'bench-secret-key-0123456789abcdef0123456789',
    onError: () => {},
    ...extra,
  });

const lines: string[] = [];
const say = (line: string): void => {
  console.log(line);
  lines.push(line);
};

// ---------------------------------------------------------------- memory per grant

async function heapPerGrant(): Promise<number> {
  const n = 100_000;
  collect();
  const before = process.memoryUsage().heapUsed;
  const store = new MemoryStore();
  await fillGrants(store, n, tokenOf);
  collect();
  const after = process.memoryUsage().heapUsed;
  // Keep the store alive until after the measurement.
  if (store.dump() === null) console.log();
  return (after - before) / n;
}

// ---------------------------------------------------------------- authorize at scale

const PROBES = 4096; // a power of two: the index wraps with a mask
const BATCH = 100; // calls per tinybench sample: one call is too short for the timer

interface Scaled {
  readonly store: string;
  readonly grants: number;
  readonly usPerCall: number;
}

async function authorizeCost(kind: 'memory' | 'sqlite', grants: number): Promise<Scaled> {
  let store: Store;
  let cleanup = (): void => {};
  const t0 = Date.now();
  if (kind === 'memory') {
    store = new MemoryStore();
    await fillGrants(store, grants, tokenOf);
  } else {
    const file = join(tmpdir(), `grantkit-micro-${process.pid}-${grants}.db`);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // Only while loading: nobody needs this database to survive a power cut.
    db.pragma('synchronous = OFF');
    store = new SqliteStore({ database: db });
    // One transaction: the store's prepared statements run synchronously inside the async methods.
    db.exec('BEGIN');
    await fillGrants(store, grants, tokenOf);
    db.exec('COMMIT');
    db.pragma('synchronous = NORMAL');
    cleanup = () => {
      db.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    };
  }
  const loadS = (Date.now() - t0) / 1000;
  const kit = kitOn(store);
  const guard: ScopeGuard = kit.guard('any', [REQUIRED_SCOPE]);
  // Probes spread over the whole set, in random order, so a large store is not read through a
  // handful of hot entries that sit in the CPU cache.
  const probes = Array.from({ length: PROBES }, () => `Bearer ${tokenOf(Math.floor(Math.random() * grants))}`);
  for (const p of probes.slice(0, 64)) {
    const o = kit.authorize(p, '/', guard);
    if (o instanceof Promise || o instanceof GrantKitError) throw new Error(`probe did not authorize synchronously on ${kind}`);
  }
  let j = 0;
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  bench.add('authorize', () => {
    for (let k = 0; k < BATCH; k++) kit.authorize(probes[j++ & (PROBES - 1)], '/', guard);
  });
  await bench.run();
  const r = bench.tasks[0]?.result;
  const usPerCall = r && 'period' in r ? (r.period * 1000) / BATCH : NaN;
  console.log(`  authorize, ${kind}, ${grants.toLocaleString('en-US')} grants: ${usPerCall.toFixed(2)} µs (loaded in ${loadS.toFixed(1)} s)`);
  cleanup();
  return { store: kind, grants, usPerCall };
}

// ---------------------------------------------------------------- code exchanges

async function exchangesPerSecond(): Promise<number> {
  const kit = kitContext(kitOn(new MemoryStore()));
  const none = { kind: 'none' } as const;
  let i = 0;
  const bench = new Bench({ time: 2000, warmupTime: 300 });
  bench.add('exchange', async () => {
    const { code } = await authorizeNative(
      kit,
      {
        client_id: CLIENT_ID,
        provider: 'sandbox',
        email_address: `user${i++}@example.com`,
        scopes: [...TOKEN_SCOPES],
        settings: { password: 'sandbox' },
      },
      none,
    );
    await redeemNative(kit, { client_id: CLIENT_ID, code }, none);
  });
  await bench.run();
  const r = bench.tasks[0]?.result;
  return r && 'period' in r ? 1000 / r.period : NaN;
}

// ---------------------------------------------------------------- observability off, and no SDK

interface ObservedCost {
  readonly off: number;
  readonly apiNoSdk: number;
  readonly audit: number;
}

/**
 * kit.authorize on one memory store of 1,000 grants through three kits: `telemetry: false` (the
 * API never loaded), the default with @opentelemetry/api loaded and no SDK registered, and an
 * `audit` function that does nothing. The difference sought is a few nanoseconds, well under the
 * noise of wall-clock samples on a shared machine, so each kit runs in short interleaved rounds
 * timed by the process's own CPU time, and each figure is the lowest round.
 */
async function observedCost(): Promise<ObservedCost> {
  const store = new MemoryStore();
  await fillGrants(store, 1_000, tokenOf);
  const kits = {
    off: kitOn(store, { telemetry: false }),
    apiNoSdk: kitOn(store),
    audit: kitOn(store, { telemetry: false, audit: () => {} }),
  };
  await Promise.all(Object.values(kits).map((k) => k.ready()));
  const probes = Array.from({ length: PROBES }, () => `Bearer ${tokenOf(Math.floor(Math.random() * 1_000))}`);
  const best = { off: Infinity, apiNoSdk: Infinity, audit: Infinity };
  const calls = 30_000;
  for (let round = 0; round < 60; round++) {
    for (const name of ['off', 'apiNoSdk', 'audit'] as const) {
      const kit = kits[name];
      const guard = kit.guard('any', [REQUIRED_SCOPE]);
      let j = 0;
      const cpu0 = process.cpuUsage();
      for (let k = 0; k < calls; k++) kit.authorize(probes[j++ & (PROBES - 1)], '/', guard);
      const cpu = process.cpuUsage(cpu0);
      best[name] = Math.min(best[name], (cpu.user + cpu.system) / calls);
    }
  }
  console.log(`  authorize, memory, telemetry off ${best.off.toFixed(3)} µs, API loaded without SDK ${best.apiNoSdk.toFixed(3)} µs, no-op audit ${best.audit.toFixed(3)} µs (CPU time, lowest of 60 rounds)`);
  return best;
}

// ---------------------------------------------------------------- main

console.log('\nIn-process figures (tinybench):');
const perGrant = await heapPerGrant();
console.log(`  heap per grant (+ its access token), from 100,000: ${perGrant.toFixed(0)} bytes`);
collect();
const scaled: Scaled[] = [];
for (const kind of ['memory', 'sqlite'] as const) {
  for (const grants of [1_000, 1_000_000]) {
    scaled.push(await authorizeCost(kind, grants));
    collect();
  }
}
const observed = await observedCost();
collect();
const exchanges = await exchangesPerSecond();
console.log(`  native code exchanges (authorize + redeem, memory store): ${exchanges.toFixed(0)}/s`);

const signed = (n: number): string => (n >= 0 ? `+${n.toFixed(3)}` : n.toFixed(3));
const cost = (kind: string, n: number): number => scaled.find((s) => s.store === kind && s.grants === n)?.usPerCall ?? NaN;
const scaling: Record<string, number> = {};
say('### In-process figures');
say('');
say('| figure | memory store | SQLite store |');
say('|---|---:|---:|');
say(`| kit.authorize (resolve + requireScopes), 1,000 grants | ${cost('memory', 1e3).toFixed(2)} µs | ${cost('sqlite', 1e3).toFixed(2)} µs |`);
say(`| kit.authorize, 1,000,000 grants | ${cost('memory', 1e6).toFixed(2)} µs | ${cost('sqlite', 1e6).toFixed(2)} µs |`);
for (const kind of ['memory', 'sqlite']) scaling[kind] = cost(kind, 1e6) / cost(kind, 1e3);
say(`| cost at 1M ÷ cost at 1k | ${scaling['memory']!.toFixed(2)}× | ${scaling['sqlite']!.toFixed(2)}× |`);
say(`| heap per grant (with its access token), from 100,000 | ${perGrant.toFixed(0)} B | – |`);
say(`| native code exchanges (authorize + redeem) | ${exchanges.toFixed(0)}/s | – |`);
say(`| kit.authorize, 1,000 grants, \`telemetry: false\` (CPU time, lowest of 60 rounds) | ${observed.off.toFixed(3)} µs | – |`);
say(`| the same, @opentelemetry/api loaded, no SDK registered | ${observed.apiNoSdk.toFixed(3)} µs (${signed(observed.apiNoSdk - observed.off)} µs) | – |`);
say(`| the same, a no-op \`audit\` function | ${observed.audit.toFixed(3)} µs (${signed(observed.audit - observed.off)} µs) | – |`);
say('');
say(
  `Probes: ${PROBES} random tokens of the set, ${BATCH} calls per sample; SQLite is a WAL file in ${tmpdir()}. ` +
    'Exchanges run the core flows in src/flows/native.ts (zod parsing, AES-GCM sealing, one grant and two tokens written).',
);
process.stdout.write(MESSAGE_PREFIX + JSON.stringify({ markdown: lines.join('\n'), scaling }) + '\n');
