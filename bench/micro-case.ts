/**
 * One in-process measurement, run by bench/micro.ts in a child process of its own so that the
 * heaps of different sizes never mix. The case is the first argument; the answer is one prefixed
 * JSON line on stdout. Needs --expose-gc.
 *
 *   authorize <memory|sqlite> <grants>   CPU µs per kit.authorize (resolve + requireScopes)
 *   heap <grants>                        heap bytes per grant (memory store), after gc
 *   extras                               observability variants and native code exchanges
 *   random-read <megabytes>              µs per dependent random read in a buffer that size
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Bench } from 'tinybench';
import { createGrantKit, GrantKitError, MemoryStore, sandboxProvider, type GrantKit, type GrantKitOptions } from '../src/index.js';
import { authorizeNative, redeemNative } from '../src/flows/native.js';
import { kitContext } from '../src/kit.js';
import { SqliteStore } from '../src/store/sql/sqlite.js';
import type { Store } from '../src/store/store.js';
import { MESSAGE_PREFIX } from './protocol.js';
import { REQUIRED_SCOPE, TOKEN_SCOPES } from './servers/common.js';
import { CLIENT_ID, fillGrants } from './servers/grantkit-setup.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('bench/micro-case.ts needs node --expose-gc');
  process.exit(1);
}
const collect = (): void => {
  // Twice: the first pass can leave objects that only die once their finalizers ran.
  gc();
  gc();
};

/** Deterministic tokens, so any of a million can be regenerated for a probe without keeping them all. */
const tokenOf = (i: number): string => `gk_at_${createHash('sha256').update(`bench-${i}`).digest('base64url')}`;

/** The grant of the figures: an email, a name, a provider, two scopes, one access token, no provider settings. */
const FIGURE_SCOPES = [REQUIRED_SCOPE, 'calendar'] as const;

/** The figures' grants, each with its deterministic access token. */
const fill = (store: Store, count: number): Promise<void> =>
  fillGrants(store, count, { tokenOf, grantOf: (i) => ({ name: `User ${i}`, scopes: [...FIGURE_SCOPES], scopeVocabulary: 'v2' }) });

const kitOn = (store: Store, extra: Partial<GrantKitOptions> = {}): GrantKit =>
  createGrantKit({
    clients: [{ id: CLIENT_ID }],
    providers: [sandboxProvider()],
    store,
    secretKeys: 'bench-secret-key-0123456789abcdef0123456789',
    onError: () => {},
    ...extra,
  });

// ---------------------------------------------------------------- heap per grant

/**
 * Heap per grant: heapUsed after gc() with the store filled, minus before. `externalPerGrant` is
 * the memory of ArrayBuffers (typed arrays) the same way, which heapUsed does not count.
 */
async function heap(grants: number): Promise<{ bytesPerGrant: number; externalPerGrant: number }> {
  collect();
  const before = process.memoryUsage();
  const store = new MemoryStore();
  await fill(store, grants);
  collect();
  const after = process.memoryUsage();
  // Keeps the store alive until after the measurement.
  if (store.dump() === null) console.log();
  return { bytesPerGrant: (after.heapUsed - before.heapUsed) / grants, externalPerGrant: (after.arrayBuffers - before.arrayBuffers) / grants };
}

// ---------------------------------------------------------------- authorize at scale

/** Random tokens of the set, a power of two of them so the index wraps with a mask; 64k strings outgrow the CPU caches. */
const PROBES = 65_536;
const CALLS = 200_000;
const ROUNDS = 7;

async function openStore(kind: string, grants: number): Promise<{ store: Store; cleanup: () => void }> {
  if (kind === 'memory') {
    const store = new MemoryStore();
    await fill(store, grants);
    return { store, cleanup: () => {} };
  }
  const file = join(tmpdir(), `grantkit-micro-${process.pid}-${grants}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Only while loading: nobody needs this database to survive a power cut.
  db.pragma('synchronous = OFF');
  const store = new SqliteStore({ database: db });
  // One transaction: the store's prepared statements run synchronously inside the async methods.
  db.exec('BEGIN');
  await fill(store, grants);
  db.exec('COMMIT');
  db.pragma('synchronous = NORMAL');
  const cleanup = (): void => {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  };
  return { store, cleanup };
}

/**
 * CPU time per call of kit.authorize over random tokens of the whole set, so a large store is not
 * read through a handful of hot entries that stay in the CPU cache: the lowest of ROUNDS rounds of
 * CALLS calls each, after a warm-up.
 */
async function authorize(kind: string, grants: number): Promise<{ usPerCall: number; loadS: number }> {
  const t0 = Date.now();
  const { store, cleanup } = await openStore(kind, grants);
  const loadS = (Date.now() - t0) / 1000;
  const kit = kitOn(store);
  await kit.ready();
  const guard = kit.guard('any', [REQUIRED_SCOPE]);
  const probes = Array.from({ length: PROBES }, () => `Bearer ${tokenOf(Math.floor(Math.random() * grants))}`);
  for (const p of probes.slice(0, 64)) {
    const o = kit.authorize(p, '/', guard);
    if (o instanceof Promise || o instanceof GrantKitError) throw new Error(`probe did not authorize synchronously on ${kind}`);
  }
  collect();
  let j = 0;
  const run = (calls: number): number => {
    const cpu0 = process.cpuUsage();
    for (let k = 0; k < calls; k++) kit.authorize(probes[j++ & (PROBES - 1)], '/', guard);
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / calls;
  };
  // SQLite costs some ten times more per call: fewer calls keep its rounds as long as the memory store's.
  const calls = kind === 'sqlite' ? CALLS / 10 : CALLS;
  run(calls); // warm-up: optimised code, and the probes' strings hashed once
  const rounds = Array.from({ length: ROUNDS }, () => run(calls));
  cleanup();
  // The lowest round: other work on the machine (a neighbour's memory traffic, above all) only ever adds.
  return { usPerCall: Math.min(...rounds), loadS };
}

// ---------------------------------------------------------------- the machine's floor

/**
 * What one read of a large store costs this machine at the least: CPU µs per read of a random
 * cache line in a buffer of `megabytes`, each read's address taken from the line read before (a
 * chain through all the lines in random order), so that no two reads overlap. In a buffer of
 * hundreds of megabytes each is a cache miss and a TLB miss. A resolution among a million grants
 * reads at least one such line (the token's slot), so its cost at a million exceeds its cost at a
 * thousand by at least about this much. The lowest of ROUNDS rounds, as authorize() does.
 */
function randomRead(megabytes: number): { usPerRead: number } {
  const LINE = 16; // 32-bit words per 64-byte cache line
  const words = Math.floor((megabytes * 2 ** 20) / 4 / LINE) * LINE;
  const chain = new Int32Array(words);
  const lines = words / LINE;
  const order = new Int32Array(lines);
  for (let i = 0; i < lines; i++) order[i] = i;
  for (let i = lines - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  for (let i = 0; i < lines; i++) chain[order[i]! * LINE] = order[(i + 1) % lines]! * LINE;
  let at = 0;
  const run = (reads: number): number => {
    const cpu0 = process.cpuUsage();
    for (let k = 0; k < reads; k++) at = chain[at]!;
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / reads;
  };
  run(CALLS);
  const rounds = Array.from({ length: ROUNDS }, () => run(CALLS * 5));
  // `at` is used, so the chain is really walked.
  if (at < 0) console.log(at);
  return { usPerRead: Math.min(...rounds) };
}

// ---------------------------------------------------------------- code exchanges, observability

async function exchangesPerSecond(): Promise<number> {
  const kit = kitContext(kitOn(new MemoryStore()));
  const none = { kind: 'none' } as const;
  let i = 0;
  const bench = new Bench({ time: 2000, warmupTime: 300 });
  bench.add('exchange', async () => {
    const { code } = await authorizeNative(
      kit,
      { client_id: CLIENT_ID, provider: 'sandbox', email_address: `user${i++}@example.com`, scopes: [...TOKEN_SCOPES], settings: { password: 'sandbox' } },
      none,
    );
    await redeemNative(kit, { client_id: CLIENT_ID, code }, none);
  });
  await bench.run();
  const r = bench.tasks[0]?.result;
  return r && 'period' in r ? 1000 / r.period : NaN;
}

/**
 * kit.authorize on one memory store of 1,000 grants through three kits: `telemetry: false` (the
 * API never loaded), the default with @opentelemetry/api loaded and no SDK registered, and an
 * `audit` function that does nothing. The difference sought is a few nanoseconds, well under the
 * noise of wall-clock samples on a shared machine, so each kit runs in short interleaved rounds
 * timed by the process's own CPU time, and each figure is the lowest round.
 */
async function observedCost(): Promise<{ off: number; apiNoSdk: number; audit: number }> {
  const store = new MemoryStore();
  await fill(store, 1_000);
  const kits = { off: kitOn(store, { telemetry: false }), apiNoSdk: kitOn(store), audit: kitOn(store, { telemetry: false, audit: () => {} }) };
  await Promise.all(Object.values(kits).map((k) => k.ready()));
  const probes = Array.from({ length: 4096 }, () => `Bearer ${tokenOf(Math.floor(Math.random() * 1_000))}`);
  const best = { off: Infinity, apiNoSdk: Infinity, audit: Infinity };
  const calls = 30_000;
  for (let round = 0; round < 60; round++) {
    for (const name of ['off', 'apiNoSdk', 'audit'] as const) {
      const kit = kits[name];
      const guard = kit.guard('any', [REQUIRED_SCOPE]);
      let j = 0;
      const cpu0 = process.cpuUsage();
      for (let k = 0; k < calls; k++) kit.authorize(probes[j++ & 4095], '/', guard);
      const cpu = process.cpuUsage(cpu0);
      best[name] = Math.min(best[name], (cpu.user + cpu.system) / calls);
    }
  }
  return best;
}


async function main(args: readonly string[]): Promise<unknown> {
  const [what, a, b] = args;
  if (what === 'heap') return heap(Number(a));
  if (what === 'authorize') return authorize(a ?? 'memory', Number(b));
  if (what === 'random-read') return randomRead(Number(a));
  if (what === 'extras') {
    const observed = await observedCost();
    collect();
    return { observed, exchanges: await exchangesPerSecond() };
  }
  throw new Error(`unknown case: ${args.join(' ')}`);
}

process.stdout.write(MESSAGE_PREFIX + JSON.stringify(await main(process.argv.slice(2))) + '\n');
