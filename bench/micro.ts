/**
 * In-process figures, run by run.ts after the HTTP rounds or alone with `--micro`. Every
 * measurement runs in a child process of its own (bench/micro-case.ts), so the heaps of different
 * sizes never mix, and each figure is the median of several such runs, the runs of all sizes
 * interleaved so that other load on the machine falls on all of them alike:
 *   - kit.authorize (token resolution + requireScopes guard) at 1 thousand, 100 thousand and
 *     1 million grants on the memory store, 1 thousand and 1 million on SQLite, in CPU time per call
 *     over random tokens of the whole set;
 *   - heap per grant (one grant plus its access token), from 100 thousand inserted;
 *   - the machine's floor for a lookup among a million: one random read in a buffer the size of the
 *     memory store's typed arrays at a million grants (micro-case.ts, randomRead());
 *   - native code exchanges per second (authorizeNative + redeemNative, the /connect/* core flows);
 *   - kit.authorize with @opentelemetry/api loaded and no SDK registered, against `telemetry: false`
 *     (the API not loaded), and with an `audit` function that does nothing.
 * Prints a markdown section, then one prefixed JSON line that run.ts reads.
 * MICRO_RUNS (default 5) sets the runs per memory-store figure; SQLite gets MICRO_SQLITE_RUNS (default 3).
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median } from './median.js';
import { MESSAGE_PREFIX } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env['MICRO_RUNS'] ?? 5);
const SQLITE_RUNS = Number(process.env['MICRO_SQLITE_RUNS'] ?? 3);
const MEMORY_SIZES = [1_000, 100_000, 1_000_000];
const SQLITE_SIZES = [1_000, 1_000_000];
const HEAP_GRANTS = 100_000;

/** One case in a fresh process; its JSON answer. */
function runCase<T>(args: readonly string[]): Promise<T> {
  const node = [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc', '--max-old-space-size=8192'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...node, join(here, 'micro-case.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let answer: T | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(MESSAGE_PREFIX)) answer = JSON.parse(line.slice(MESSAGE_PREFIX.length)) as T;
      else console.log(line);
    });
    child.once('exit', (code) => (answer === undefined ? reject(new Error(`micro-case ${args.join(' ')} exited with ${code}`)) : resolve(answer)));
  });
}

const fmt = (n: number): string => n.toLocaleString('en-US');

interface Authorized {
  readonly usPerCall: number;
  readonly loadS: number;
}

console.log(`\nIn-process figures (each in its own process; medians of ${RUNS} runs, SQLite ${SQLITE_RUNS}):`);
const costs = new Map<string, number[]>();
const heaps: number[] = [];
const externals: number[] = [];
const reads: number[] = [];
let readMegabytes = 0;
for (let run = 0; run < Math.max(RUNS, SQLITE_RUNS); run++) {
  const cases: [string, number][] = [
    ...(run < RUNS ? MEMORY_SIZES.map((n): [string, number] => ['memory', n]) : []),
    ...(run < SQLITE_RUNS ? SQLITE_SIZES.map((n): [string, number] => ['sqlite', n]) : []),
  ];
  for (const [kind, n] of cases) {
    const r = await runCase<Authorized>(['authorize', kind, String(n)]);
    const key = `${kind}:${n}`;
    costs.set(key, [...(costs.get(key) ?? []), r.usPerCall]);
    console.log(`  run ${run + 1}: authorize, ${kind}, ${fmt(n)} grants: ${r.usPerCall.toFixed(3)} µs CPU (loaded in ${r.loadS.toFixed(1)} s)`);
  }
  if (run < RUNS) {
    const h = await runCase<{ bytesPerGrant: number; externalPerGrant: number }>(['heap', String(HEAP_GRANTS)]);
    heaps.push(h.bytesPerGrant);
    externals.push(h.externalPerGrant);
    console.log(
      `  run ${run + 1}: heap per grant (+ its access token), from ${fmt(HEAP_GRANTS)}: ${h.bytesPerGrant.toFixed(0)} B, ` +
        `and ${h.externalPerGrant.toFixed(0)} B in typed arrays`,
    );
    // Sized once, from the first run's typed arrays, so every run reads the same buffer size.
    readMegabytes ||= Math.max(1, Math.round((h.externalPerGrant * 1e6) / 2 ** 20));
    const r = await runCase<{ usPerRead: number }>(['random-read', String(readMegabytes)]);
    reads.push(r.usPerRead);
    console.log(`  run ${run + 1}: one random read in ${fmt(readMegabytes)} MB: ${r.usPerRead.toFixed(3)} µs CPU`);
  }
}
const extras = await runCase<{ observed: { off: number; apiNoSdk: number; audit: number }; exchanges: number }>(['extras']);
const { observed, exchanges } = extras;

const cost = (kind: string, n: number): number => median(costs.get(`${kind}:${n}`) ?? []);
const perGrant = median(heaps);
const externalPerGrant = median(externals);
const randomRead = median(reads);
const extraAtMillion = cost('memory', 1e6) - cost('memory', 1e3);
const signed = (n: number): string => (n >= 0 ? `+${n.toFixed(3)}` : n.toFixed(3));
const scaling: Record<string, number> = {};
for (const kind of ['memory', 'sqlite']) {
  // A store not measured in this run (MICRO_SQLITE_RUNS=0) has no figure, not a NaN one.
  const v = cost(kind, 1e6) / cost(kind, 1e3);
  if (Number.isFinite(v)) scaling[kind] = v;
}
const us = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)} µs` : '–');
const times = (n: number | undefined): string => (n === undefined ? '–' : `${n.toFixed(2)}×`);

const lines: string[] = [];
const say = (line: string): void => {
  console.log(line);
  lines.push(line);
};
say('### In-process figures');
say('');
say('| figure | memory store | SQLite store |');
say('|---|---:|---:|');
say(`| kit.authorize (resolve + requireScopes), 1,000 grants | ${us(cost('memory', 1e3))} | ${us(cost('sqlite', 1e3))} |`);
say(`| kit.authorize, 100,000 grants | ${us(cost('memory', 1e5))} | – |`);
say(`| kit.authorize, 1,000,000 grants | ${us(cost('memory', 1e6))} | ${us(cost('sqlite', 1e6))} |`);
say(`| cost at 1M ÷ cost at 1k | ${times(scaling['memory'])} | ${times(scaling['sqlite'])} |`);
say(`| 1M minus 1k, per call | ${us(extraAtMillion)} | – |`);
say(`| the machine's floor: one random read in ${fmt(readMegabytes)} MB (the store's typed arrays at 1M grants) | ${us(randomRead)} | – |`);
say(`| heap per grant (with its access token), from 100,000 | ${perGrant.toFixed(0)} B | – |`);
say(`| the same grant's typed-array memory (outside the heap) | ${externalPerGrant.toFixed(0)} B | – |`);
say(`| native code exchanges (authorize + redeem) | ${exchanges.toFixed(0)}/s | – |`);
say(`| kit.authorize, 1,000 grants, \`telemetry: false\` (CPU time, lowest of 60 rounds) | ${observed.off.toFixed(3)} µs | – |`);
say(`| the same, @opentelemetry/api loaded, no SDK registered | ${observed.apiNoSdk.toFixed(3)} µs (${signed(observed.apiNoSdk - observed.off)} µs) | – |`);
say(`| the same, a no-op \`audit\` function | ${observed.audit.toFixed(3)} µs (${signed(observed.audit - observed.off)} µs) | – |`);
say('');
say(
  `kit.authorize: CPU time per call (process.cpuUsage), median of ${RUNS} processes per memory-store size and ${SQLITE_RUNS} per ` +
    'SQLite size, each the lowest of 7 rounds of 200,000 calls (SQLite: 20,000) over 65,536 random tokens of the whole set, after a warm-up round. ' +
    'The grant: an email, a name, a provider, two scopes, one access token, no provider settings. ' +
    `Heap: heapUsed after gc() with the store filled, minus before, over ${fmt(HEAP_GRANTS)} grants, median of ${RUNS} processes; ` +
    'typed-array memory: process.memoryUsage().arrayBuffers the same way (heapUsed does not count it). ' +
    'The floor: CPU time per read of a random 64-byte line in a buffer that size, each address read from the line before, so no two reads overlap ' +
    '(a cache miss and a TLB miss each); the lowest of 7 rounds, median of the processes. A resolution among a million grants reads at least one such line. ' +
    `SQLite is a WAL file in ${tmpdir()}. Exchanges run the core flows in src/flows/native.ts (zod parsing, AES-GCM sealing, one grant and two tokens written).`,
);
process.stdout.write(MESSAGE_PREFIX + JSON.stringify({ markdown: lines.join('\n'), scaling, heapPerGrant: perGrant, floor: { extraAtMillion, randomRead, megabytes: readMegabytes } }) + '\n');
