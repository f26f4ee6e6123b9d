/**
 * `npm run bench`: grantkit's per-request cost against the bare frameworks and competing packages,
 * all measured in one run (the method is described in bench/README.md).
 *
 * Each server variant is its own process pinned to core 0; autocannon runs in another process
 * pinned to core 1. Every variant gets a check request and a warm-up, then measured rounds in
 * alternating order (A B … B A …), so slow drift on a shared machine hits all variants alike.
 * Ratios are only ever taken between variants of this run.
 *
 *   npm run bench                 full: -d 10 per round, 4 rounds, latency at a fixed rate, then the in-process figures
 *                                 and the import time; writes bench/RESULTS.md and the chart bench/results.svg
 *   npm run bench -- --quick      7 variants, 2 short rounds, no in-process figures, no import time
 *   npm run bench -- --micro      only the in-process figures (bench/micro.ts)
 *   npm run bench -- --import-time  only what importing the packed package costs (bench/import-time.ts)
 *   npm run bench -- --instructions  only instructions per request under callgrind (bench/instructions.ts)
 *   options: --rounds=N  --duration=S  --cpu-prof (profiles land in bench/profiles)
 *            --only=name,name (those variants only, by a part of their names; no in-process figures, no import time)
 *            --keep-servers (full run: one process per variant for all its rounds, not a fresh one per round)
 *            --app-heap=MB (every server also holds MB megabytes of application data, as a real app does)
 *
 * It is a measurement, not a test: it always exits 0, and says which targets were met or missed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ratioChart, type ChartBar } from './chart.js';
import { IMPORT_BUDGET_MS, type ImportTimeSummary } from './import-time.js';
import type { LoadResult, LoadSettings } from './load.js';
import { median } from './median.js';
import { MESSAGE_PREFIX, readyMessage, type CpuReply, type HeapReply, type ServerRequest } from './protocol.js';
import { bareName, grantkitName, referenceName, VARIANTS, type Framework, type Variant } from './variants.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const option = (name: string): string | undefined =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const quick = flag('quick');
const microOnly = flag('micro');
const importTimeOnly = flag('import-time');
const instructionsOnly = flag('instructions');
const cpuProf = flag('cpu-prof');
const rounds = Math.max(2, Number(option('rounds') ?? (quick ? 2 : 4)));
const duration = Number(option('duration') ?? (quick ? 4 : 10));
const warmup = quick ? 2 : 3;
/**
 * Before a latency round, seconds at the fixed rate. Longer than the saturating rounds' warm-up:
 * at half the rate a fresh process has served fewer requests by then, and grantkit, with more code
 * for V8 to optimize, spent up to 29% more CPU per request in a round after 3 s than in its others
 * (161.7 against 125.3 µs on Express), which p99 shows as a queue. What is measured is a server in
 * service.
 */
const latencyWarmup = quick ? warmup : 10;
const only = option('only')?.split(',');
/**
 * A fresh server process for every round after the first (full runs, unless --keep-servers): a
 * Node server under this load settles into one of two garbage-collection modes, one of them at
 * about half the throughput, and keeps it for much of its life, so rounds on one process are not
 * independent samples; with a process per round, each round draws its mode anew.
 */
const fresh = !quick && !flag('keep-servers');
/** Megabytes of application data every server holds (servers/common.ts), 0 by default. */
const appHeapMb = Math.max(0, Number(option('app-heap') ?? 0));

// ---------------------------------------------------------------- processes

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const profileDir = join(here, 'profiles');

/** `taskset -c <core> node …` when taskset works here; plain node otherwise. */
function pinned(core: number, nodeArgs: string[]): [string, string[]] {
  const node = [process.execPath, ...nodeArgs];
  return hasTaskset ? ['taskset', ['-c', String(core), ...node]] : [node[0]!, node.slice(1)];
}

interface Running {
  readonly variant: Variant;
  readonly child: ChildProcess;
  readonly port: number;
  readonly authorization: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly note?: string;
}

/** Starts a server variant and waits for its ready (or skip) line. */
function startServer(variant: Variant): Promise<Running | string> {
  // --expose-gc only lets the server answer what its heap holds (a full collection on request);
  // V8 collects as it would without it.
  const nodeArgs = ['--expose-gc', '--import', 'tsx'];
  if (cpuProf) {
    mkdirSync(profileDir, { recursive: true });
    const slug = variant.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
    // One directory per variant: tsx's loader thread writes a profile of its own next to the main
    // thread's (the larger file), so a fixed --cpu-prof-name would let one overwrite the other.
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(profileDir, slug)}`);
  }
  nodeArgs.push(join(here, 'servers', `${variant.server}.ts`));
  const [cmd, args] = pinned(0, nodeArgs);
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', BENCH_APP_HEAP_MB: String(appHeapMb), ...variant.env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return readyMessage(child, 120_000).then((m) =>
    typeof m === 'string' ? m : { variant, child, port: m.port, authorization: m.authorization, versions: m.versions, ...(m.note ? { note: m.note } : {}) },
  );
}

function stopServer(r: Running): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => {
      r.child.kill('SIGKILL');
      resolve();
    }, 5000);
    r.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // The child exits on disconnect, which lets --cpu-prof write its profile.
    r.child.disconnect();
  });
}

/** Asks a server over IPC; its first reply of the same kind. */
function ask<R extends CpuReply | HeapReply>(r: Running, request: ServerRequest & { kind: R['kind'] }): Promise<R> {
  return new Promise((resolve) => {
    const onMessage = (m: CpuReply | HeapReply): void => {
      if (m.kind !== request.kind) return;
      r.child.off('message', onMessage);
      resolve(m as R);
    };
    r.child.on('message', onMessage);
    r.child.send(request);
  });
}

/** The server's CPU time so far, µs. */
const serverCpu = async (r: Running): Promise<number> => {
  const m = await ask<CpuReply>(r, { kind: 'cpu' });
  return m.user + m.system;
};

/** What the server's heap holds after a full collection, MB. */
const serverHeapMb = async (r: Running): Promise<number> => (await ask<HeapReply>(r, { kind: 'heap' })).usedBytes / 1e6;

function runLoad(settings: LoadSettings): Promise<LoadResult> {
  const [cmd, args] = pinned(1, ['--import', 'tsx', join(here, 'load.ts'), JSON.stringify(settings)]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as LoadResult);
      } catch {
        reject(new Error(`autocannon exited with ${code}: ${out.slice(0, 200)}`));
      }
    });
  });
}

/** One request before any load: a token the server refuses would otherwise make a fast, wrong figure. */
async function check(r: Running): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${r.port}/`, { headers: { authorization: r.authorization } });
    const body = await res.text();
    if (res.status !== 200 || body !== '{"hello":"world"}') return `check request answered ${res.status} ${body.slice(0, 120)}`;
    return undefined;
  } catch (e) {
    return `check request failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** A started variant that answered its check, or why not: it skipped itself, or it failed the check (and was stopped). */
type Started = Running | { readonly skipped: string } | { readonly failed: string };

async function startChecked(variant: Variant): Promise<Started> {
  const r = await startServer(variant);
  if (typeof r === 'string') return { skipped: r };
  const bad = await check(r);
  if (bad === undefined) return r;
  await stopServer(r);
  return { failed: bad };
}

/**
 * Stops a variant's server and starts a new one, checked and warmed up (at `rate`, for the latency
 * rounds): what each round after the first measures when `fresh`.
 */
async function restart(r: Running, rate?: number): Promise<Running> {
  await stopServer(r);
  const next = await startChecked(r.variant);
  if ('skipped' in next) throw new Error(`${r.variant.name} did not start again: ${next.skipped}`);
  if ('failed' in next) throw new Error(`${r.variant.name} failed its check after a restart: ${next.failed}`);
  await runLoad(settingsFor(next, rate === undefined ? warmup : latencyWarmup, rate));
  return next;
}

// ---------------------------------------------------------------- measuring

interface Round {
  readonly load: LoadResult;
  /** Server CPU time per request, µs: steadier than req/s when others share the machine. */
  readonly cpuUsPerReq: number;
}

const settingsFor = (r: Running, seconds: number, rate?: number): LoadSettings => ({
  url: `http://127.0.0.1:${r.port}/`,
  authorization: r.authorization,
  duration: seconds,
  connections: 100,
  // Throughput is measured with pipelining; latency at a fixed rate without, as a browser or an SDK sends.
  pipelining: rate === undefined ? 10 : 1,
  ...(rate !== undefined ? { rate } : {}),
});

/** One round of load (saturating, or at a fixed `rate`), with the server's CPU time per request. */
async function measure(r: Running, seconds: number, rate?: number): Promise<Round> {
  const before = await serverCpu(r);
  const load = await runLoad(settingsFor(r, seconds, rate));
  const after = await serverCpu(r);
  return { load, cpuUsPerReq: load.total > 0 ? (after - before) / load.total : NaN };
}

/** The indexes of `n` variants in round `i`: A B C … then … C B A, so each variant's rounds straddle the others in time. */
const order = (n: number, i: number): number[] => {
  const forward = Array.from({ length: n }, (_, k) => k);
  return i % 2 === 0 ? forward : forward.reverse();
};

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';

interface Row {
  readonly variant: Variant;
  readonly rounds: readonly Round[];
  /** The median of the rounds' req/s. */
  readonly rps: number;
  readonly note?: string;
}

interface LatencyRound {
  readonly p99: number;
  readonly cpuUsPerReq: number;
  /** What the server's heap held after the round, after a full collection, MB. */
  readonly heapMb: number;
}

/** p99 at a fixed request rate (half of bare's throughput): how long a request waits when the server is not saturated. */
interface LatencyRow {
  readonly framework: Framework;
  readonly rate: number;
  /** variant name → each round's figures, in LATENCY_VARIANTS order, then the heap-matched reference check. */
  readonly rounds: ReadonlyMap<string, readonly LatencyRound[]>;
  /** Answers that were not 2xx, errors and requests never answered, over all rounds: any voids the comparison. */
  readonly failed: number;
}

/**
 * The variants whose latency is measured at a fixed rate: bare, the 30-line reference check (what
 * any layer holding the same tokens costs in latency) and grantkit on the memory store. The target
 * compares grantkit with bare. A fourth is derived from them: the reference check given as much
 * more heap as grantkit's server holds beyond the reference's (heapMatched).
 */
const LATENCY_VARIANTS = (fw: Framework): readonly string[] => [bareName(fw), referenceName(fw), grantkitName(fw, 'memory')];
const heapMatchedName = (fw: Framework): string => `${referenceName(fw)}, holding grantkit's heap`;

/**
 * The reference check, given application data (servers/common.ts) for the megabytes grantkit's
 * server holds beyond the reference's, each measured after a full collection. At a fixed rate a
 * server's pauses grow with its heap: on a 2-core VM a scavenge of the same survivors took 4.3 ms
 * in the reference's server and 5.7 ms in grantkit's, and 5.7 ms in the reference's given 10 MB
 * of records. Beside grantkit, this variant tells the p99 its larger heap costs from what its
 * request path costs.
 */
async function heapMatched(reference: Running, grantkit: Running): Promise<Started> {
  const own = await serverHeapMb(reference);
  // NaN only from a server without --expose-gc, which startServer never starts: then nothing is added.
  const wanted = Math.max(0, (await serverHeapMb(grantkit)) - own) || 0;
  const holding = (extraMb: number): Variant => ({
    ...reference.variant,
    name: heapMatchedName(reference.variant.framework),
    env: { ...reference.variant.env, BENCH_APP_HEAP_MB: String(appHeapMb + extraMb) },
  });
  // The records' size per megabyte asked varies with how many there are (the array that holds
  // them grows by doubling), so each start is measured and, while it is off by more than 5%, the
  // amount is scaled to what was wanted and the server started again: the closest of three is kept.
  let asked = wanted;
  let best: { readonly server: Running; readonly off: number } | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await startChecked(holding(asked));
    if (!('variant' in started)) {
      if (best !== undefined) break;
      return started;
    }
    // Measured, as the other two were, after it has served: a process that has not holds less
    // compiled code, and would be given too much.
    await runLoad(settingsFor(started, warmup));
    const got = (await serverHeapMb(started)) - own;
    const off = Math.abs(got - wanted);
    if (best === undefined || off < best.off) {
      if (best !== undefined) await stopServer(best.server);
      best = { server: started, off };
    } else await stopServer(started);
    if (wanted === 0 || !(got > 0) || off <= 0.05 * wanted) break;
    asked *= wanted / got;
  }
  return best!.server;
}

async function latencyRounds(running: Running[], rows: readonly Row[]): Promise<LatencyRow[]> {
  const out: LatencyRow[] = [];
  for (const fw of ['express', 'koa'] as const) {
    const variants = LATENCY_VARIANTS(fw).flatMap((n) => running.filter((r) => r.variant.name === n));
    const bare = rows.find((r) => r.variant.name === bareName(fw));
    if (variants.length !== LATENCY_VARIANTS(fw).length || !bare) continue;
    const rate = Math.round(bare.rps / 2);
    const named = (name: string): Running => variants.find((r) => r.variant.name === name)!;
    const matched = await heapMatched(named(referenceName(fw)), named(grantkitName(fw, 'memory')));
    if ('variant' in matched) variants.push(matched);
    else console.log(`  ${heapMatchedName(fw)} did not start: ${'skipped' in matched ? matched.skipped : matched.failed}`);
    try {
      out.push(await latencyOf(fw, rate, variants, running));
    } finally {
      // The heap-matched server is this phase's own; the others are stopped with the run.
      // latencyOf() replaces a server in `variants` each round when `fresh`: the live one is stopped.
      if ('variant' in matched) await stopServer(named(heapMatchedName(fw)));
    }
  }
  return out;
}

/**
 * The latency rounds of one framework's variants. With `fresh`, each round's server is replaced in
 * `variants`, and in `running` where it is there, so that the servers stopped at the end are the live ones.
 */
async function latencyOf(fw: Framework, rate: number, variants: Running[], running: Running[]): Promise<LatencyRow> {
  const measured = new Map<string, LatencyRound[]>(variants.map((r) => [r.variant.name, []]));
  let failed = 0;
  // A warm-up at the rate first: a server fresh from the saturating rounds is still collecting
  // what they left behind, and its first seconds at a fixed rate measure that, not the rate.
  // With `fresh`, every latency round has a new process, warmed up at the rate by restart().
  if (!fresh) {
    for (const r of variants) {
      console.log(`  warm-up latency ${r.variant.name} at ${fmt(rate)} req/s (${latencyWarmup} s)`);
      await runLoad(settingsFor(r, latencyWarmup, rate));
    }
  }
  for (let i = 0; i < rounds; i++) {
    for (const k of order(variants.length, i)) {
      if (fresh) {
        const next = await restart(variants[k]!, rate);
        const at = running.indexOf(variants[k]!);
        if (at >= 0) running[at] = next;
        variants[k] = next;
      }
      const r = variants[k]!;
      const { load: l, cpuUsPerReq } = await measure(r, duration, rate);
      // After the round, so the full collection it makes is not in the measured window.
      const heapMb = await serverHeapMb(r);
      measured.get(r.variant.name)!.push({ p99: l.p99, cpuUsPerReq, heapMb });
      failed += l.non2xx + l.errors + l.timeouts;
      console.log(
        `  latency ${i + 1}/${rounds} ${r.variant.name.padEnd(50)} at ${fmt(rate)} req/s: p99 ${fmt(l.p99, 1)} ms, mean ${l.latencyMean.toFixed(2)} ms, server CPU ${fmt(cpuUsPerReq, 1)} µs/req, heap ${fmt(heapMb, 1)} MB` +
          (l.non2xx + l.errors + l.timeouts > 0 ? `, ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} unanswered` : ''),
      );
    }
  }
  return { framework: fw, rate, rounds: measured, failed };
}

/** The median p99 of a latency variant, ms. */
const medianP99 = (l: LatencyRow, name: string): number => median((l.rounds.get(name) ?? []).map((q) => q.p99));

async function httpRounds(): Promise<{ rows: Row[]; latency: LatencyRow[]; skipped: [string, string][]; versions: Record<string, string> }> {
  const chosen = VARIANTS.filter((v) => (quick ? v.quick : true)).filter((v) => !only || only.some((o) => v.name.includes(o)));
  const running: Running[] = [];
  const skipped: [string, string][] = [];
  const versions: Record<string, string> = {};
  console.log(`Starting ${chosen.length} server variants (server on core 0, autocannon on core 1${hasTaskset ? '' : ': taskset missing, NOT pinned'})…`);
  // Started one at a time, then all kept alive: an idle server costs nothing, and every round of
  // a variant then hits the same warmed-up process.
  for (const v of chosen) {
    const r = await startChecked(v);
    if ('skipped' in r) {
      console.log(`  skip  ${v.name}: ${r.skipped}`);
      skipped.push([v.name, r.skipped]);
      continue;
    }
    if ('failed' in r) {
      console.log(`  FAIL  ${v.name}: ${r.failed}`);
      skipped.push([v.name, `FAILED: ${r.failed}`]);
      continue;
    }
    Object.assign(versions, r.versions);
    running.push(r);
    console.log(`  ready ${v.name}${r.note ? ` (${r.note})` : ''}`);
  }

  const results = new Map<string, Round[]>(running.map((r) => [r.variant.name, []]));
  const rowsOf = (): Row[] =>
    running.map((r) => {
      const rs = results.get(r.variant.name)!;
      return { variant: r.variant, rounds: rs, rps: median(rs.map((x) => x.load.rps)), ...(r.note ? { note: r.note } : {}) };
    });
  let latency: LatencyRow[] = [];
  try {
    for (const r of running) {
      process.stdout.write(`  warm-up ${r.variant.name} (${warmup} s)\n`);
      await runLoad(settingsFor(r, warmup));
    }
    for (let i = 0; i < rounds; i++) {
      for (const k of order(running.length, i)) {
        if (fresh && i > 0) running[k] = await restart(running[k]!);
        const r = running[k]!;
        const round = await measure(r, duration);
        results.get(r.variant.name)!.push(round);
        const l = round.load;
        const bad = l.non2xx + l.errors + l.timeouts;
        console.log(
          `  round ${i + 1}/${rounds} ${r.variant.name.padEnd(52)} ${fmt(l.rps).padStart(8)} req/s  p99 ${l.p99} ms` +
            `  cpu ${fmt(round.cpuUsPerReq, 1)} µs/req  client ${fmt(l.clientCpuPct)}%` +
            (bad > 0 ? `  !!! ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts !!!` : ''),
        );
      }
    }
    if (!quick) latency = await latencyRounds(running, rowsOf());
  } finally {
    await Promise.all(running.map(stopServer));
  }
  return { rows: rowsOf(), latency, skipped, versions };
}

// ---------------------------------------------------------------- report

function bareOf(rows: readonly Row[], framework: Framework): Row | undefined {
  return rows.find((r) => r.variant.framework === framework && r.variant.bare);
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| variant | req/s (median) | rounds (req/s) | spread | p99 ms | ratio to bare | µs added/req | server CPU µs/req | non-2xx |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const bare = bareOf(rows, row.variant.framework);
    const rps = row.rounds.map((x) => x.load.rps);
    const spread = rps.length > 1 ? ((Math.max(...rps) - Math.min(...rps)) / row.rps) * 100 : 0;
    const ratio = bare ? row.rps / bare.rps : NaN;
    const added = bare && !row.variant.bare ? (1 / row.rps - 1 / bare.rps) * 1e6 : NaN;
    const non2xx = row.rounds.reduce((a, x) => a + x.load.non2xx + x.load.errors + x.load.timeouts, 0);
    lines.push(
      `| ${row.variant.name} | ${fmt(row.rps)} | ${rps.map((x) => fmt(x)).join(' / ')} | ±${fmt(spread / 2, 1)}% | ` +
        `${row.rounds.map((x) => x.load.p99).join(' / ')} | ${row.variant.bare ? '1.00' : fmt(ratio, 2)} | ` +
        `${row.variant.bare ? '–' : fmt(added, 1)} | ${fmt(median(row.rounds.map((x) => x.cpuUsPerReq)), 1)} | ${non2xx === 0 ? '0' : `**${non2xx}**`} |`,
    );
  }
  return lines.join('\n');
}

interface Target {
  readonly text: string;
  /** undefined: could not be measured in this run (and why). */
  readonly ok: boolean | string;
  readonly measured: string;
}

function targets(rows: readonly Row[], latency: readonly LatencyRow[], micro: MicroSummary | undefined, imports: ImportTimeSummary | undefined): Target[] {
  const find = (name: string): Row | undefined => rows.find((r) => r.variant.name === name);
  /** a ÷ b on median req/s, met when within [min, max]. */
  const ratio = (a: string, b: string, text: string, bound: { min?: number; max?: number }): Target => {
    const x = find(a);
    const y = find(b);
    if (!x || !y) return { text, ok: `not measured (${!x ? a : b} did not run)`, measured: '–' };
    // A variant that answered anything but 2xx measured something else than the route: no verdict.
    const failing = [x, y].find((r) => r.rounds.some((q) => q.load.non2xx + q.load.errors + q.load.timeouts > 0));
    if (failing) return { text, ok: 'not valid', measured: `${failing.variant.name} had non-2xx answers` };
    const v = x.rps / y.rps;
    return { text, ok: v >= (bound.min ?? 0) && v <= (bound.max ?? Infinity), measured: `${v.toFixed(2)}×` };
  };
  const out: Target[] = [];
  for (const fw of ['express', 'koa'] as const) {
    const gk = grantkitName(fw, 'memory');
    out.push(ratio(gk, referenceName(fw), `${fw}: grantkit ≥ 0.97× the 30-line reference check`, { min: 0.97 }));
    for (const kind of ['sqlite', 'redis, cache', 'postgres, cache']) {
      out.push(ratio(grantkitName(fw, kind), bareName(fw), `${fw}: grantkit (${kind}) ≥ 0.90× bare, 0 non-2xx`, { min: 0.9 }));
    }
  }
  /**
   * A competitor at most `max`× grantkit: beside the ratio, the competitor's own ratio to bare in
   * this run, and so what the target asks of grantkit (competitor ÷ bare ÷ max); above 1, only a
   * grantkit faster than the bare framework would meet it.
   */
  const competitor = (name: string, fw: Framework, text: string, max: number): Target => {
    const t = ratio(name, grantkitName(fw, 'memory'), text, { max });
    const c = find(name);
    const bare = find(bareName(fw));
    if (typeof t.ok !== 'boolean' || !c || !bare) return t;
    const own = c.rps / bare.rps;
    return { ...t, measured: `${t.measured} (the competitor alone: ${own.toFixed(2)}× bare, so met only with grantkit at ≥ ${(own / max).toFixed(2)}× bare)` };
  };
  out.push(
    competitor('express + express-oauth2-jwt-bearer HS256', 'express', 'express-oauth2-jwt-bearer HS256 ≤ 0.67× grantkit', 0.67),
    competitor('koa + koa-jwt HS256 + scope check', 'koa', 'koa-jwt HS256 ≤ 0.40× grantkit', 0.4),
  );
  for (const l of latency) {
    const bare = medianP99(l, bareName(l.framework));
    const gk = medianP99(l, grantkitName(l.framework, 'memory'));
    const reference = medianP99(l, referenceName(l.framework));
    const matched = l.rounds.has(heapMatchedName(l.framework)) ? medianP99(l, heapMatchedName(l.framework)) : NaN;
    const text = `${l.framework}: p99 at ${fmt(l.rate)} req/s (half of bare) ≤ 1.1× bare's`;
    if (l.failed > 0) out.push({ text, ok: 'not valid', measured: `${l.failed} requests failed or went unanswered` });
    else {
      out.push({
        text,
        ok: gk <= bare * 1.1,
        measured:
          `${fmt(gk, 1)} ms against ${fmt(bare, 1)} ms (${(gk / bare).toFixed(2)}×; the 30-line reference check: ${(reference / bare).toFixed(2)}×` +
          (Number.isFinite(matched) ? `, holding grantkit's heap: ${(matched / bare).toFixed(2)}×)` : ')'),
      });
    }
  }
  if (micro) {
    for (const [kind, v] of Object.entries(micro.scaling)) {
      const f = micro.floor;
      const floor =
        kind === 'memory' && f
          ? ` (${f.extraAtMillion.toFixed(2)} µs more per call at 1M; one random read in ${fmt(f.megabytes)} MB costs this machine ${f.randomRead.toFixed(2)} µs)`
          : '';
      out.push({ text: `resolution at 1M grants ≤ 1.2× its cost at 1k (${kind})`, ok: v <= 1.2, measured: `${v.toFixed(2)}×${floor}` });
    }
    if (micro.heapPerGrant !== undefined) {
      const b = micro.heapPerGrant;
      out.push({ text: 'heap per grant with one access token ≤ 600 B (memory)', ok: b <= 600, measured: `${b.toFixed(0)} B` });
    }
  } else {
    out.push({ text: 'resolution at 1M grants ≤ 1.2× its cost at 1k', ok: 'not measured (in-process figures not run)', measured: '–' });
  }
  out.push(importTarget(imports));
  return out;
}

function chartBars(rows: readonly Row[]): ChartBar[] {
  return rows.map((row) => {
    const bare = bareOf(rows, row.variant.framework);
    return {
      framework: row.variant.framework === 'express' ? 'Express' : 'Koa',
      label: row.variant.name.replace(/^(express|koa) \+ /, ''),
      ratio: bare ? row.rps / bare.rps : 0,
      invalid: row.rounds.some((q) => q.load.non2xx + q.load.errors + q.load.timeouts > 0),
    };
  });
}

function latencyTable(latency: readonly LatencyRow[]): string[] {
  if (latency.length === 0) return [];
  const lines = [
    '| variant | fixed rate (req/s) | p99 ms, each round | p99 ms (median) | p99 ÷ bare | server CPU µs/req (median) | server core busy | heap MB (median) |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const l of latency) {
    const bare = medianP99(l, bareName(l.framework));
    for (const [name, rounds] of l.rounds) {
      const p99 = medianP99(l, name);
      const cpu = median(rounds.map((q) => q.cpuUsPerReq));
      const heap = median(rounds.map((q) => q.heapMb));
      lines.push(
        `| ${name} | ${fmt(l.rate)} | ${rounds.map((q) => fmt(q.p99, 1)).join(' / ')} | ${fmt(p99, 1)} | ${(p99 / bare).toFixed(2)} | ${fmt(cpu, 1)} | ${fmt((cpu * l.rate) / 1e4)}% | ${fmt(heap, 1)} |`,
      );
    }
  }
  return [
    '',
    "Latency at a fixed rate, half of bare's throughput: 100 keep-alive connections, one request at a time on each, every request's " +
      `latency counted from when it was due (bench/open-loop.ts), each round after ${latencyWarmup} s at that rate${fresh ? ' on a new process' : ''}; ` +
      "beside it the server's CPU per request at that rate, how busy that kept its core, and what its heap held after the round " +
      "(after a full collection). The reference check is measured a second time holding grantkit's heap: given application data " +
      "for the megabytes grantkit's server holds beyond its own, so that what grantkit's heap costs in p99 shows apart from its request path:",
    '',
    ...lines,
  ];
}

function importTarget(imports: ImportTimeSummary | undefined): Target {
  const text = `importing grantkit and grantkit/express adds ≤ ${IMPORT_BUDGET_MS} ms to import('express') (median wall clock)`;
  if (!imports) return { text, ok: 'not measured (import time not run, or it failed)', measured: '–' };
  return { text, ok: imports.addedMs <= IMPORT_BUDGET_MS, measured: `${imports.addedMs.toFixed(0)} ms (CPU ${imports.addedCpuMs.toFixed(0)} ms)` };
}

function targetLines(ts: readonly Target[]): string[] {
  return ts.map((t) => {
    const mark = t.ok === true ? 'MET   ' : t.ok === false ? 'MISSED' : 'n/a   ';
    return `${mark} ${t.text}: ${t.ok === true || t.ok === false ? t.measured : t.ok}`;
  });
}

// ---------------------------------------------------------------- in-process figures

/** What bench/micro.ts prints on its last line, prefixed, for the report and the targets. */
interface MicroSummary {
  readonly markdown: string;
  /** cost at 1M / cost at 1k, per store. */
  readonly scaling: Record<string, number>;
  /** Heap bytes per grant with its access token, memory store (older micro.ts runs lack it). */
  readonly heapPerGrant?: number;
  /** µs: the memory store's cost at 1M minus at 1k, and one random read in a buffer of its typed arrays' size. */
  readonly floor?: { readonly extraAtMillion: number; readonly randomRead: number; readonly megabytes: number };
}

function runMicro(): Promise<MicroSummary | undefined> {
  // Not pinned to one core only: micro.ts is single-threaded, but pin it anyway so the figure is
  // taken on the same core the servers ran on.
  const [cmd, args] = pinned(0, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(here, 'micro.ts')]);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let summary: MicroSummary | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(MESSAGE_PREFIX)) summary = JSON.parse(line.slice(MESSAGE_PREFIX.length)) as MicroSummary;
      else console.log(line);
    });
    child.once('exit', (code) => {
      if (code !== 0) console.log(`!!! bench/micro.ts exited with code ${code}`);
      resolve(summary);
    });
  });
}

/** bench/import-time.ts in a child of its own; its summary, or undefined when it could not measure. */
function runImportTime(): Promise<ImportTimeSummary | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'import-time.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let summary: ImportTimeSummary | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(MESSAGE_PREFIX)) summary = JSON.parse(line.slice(MESSAGE_PREFIX.length)) as ImportTimeSummary;
      else console.log(line);
    });
    child.once('exit', (code) => {
      if (code !== 0) console.log(`!!! bench/import-time.ts exited with code ${code}`);
      resolve(summary);
    });
  });
}

// ---------------------------------------------------------------- main

function environment(versions: Record<string, string>): string[] {
  const uname = spawnSync('uname', ['-srmo'], { encoding: 'utf8' }).stdout.trim() || `${process.platform} ${release()}`;
  const cpu = cpus()[0]?.model ?? 'unknown';
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  const v = { express: pkg('express'), koa: pkg('koa'), autocannon: pkg('autocannon'), ...versions };
  return [
    `Node ${process.version} (OpenSSL ${process.versions.openssl}), ${uname}, ${cpus().length} × ${cpu}`,
    `packages: ${Object.entries(v)
      .filter(([k]) => k !== 'node')
      .map(([k, x]) => `${k} ${x}`)
      .join(', ')}`,
    `method: server pinned to core 0, autocannon -c 100 -p 10 pinned to core 1${hasTaskset ? '' : ' (taskset missing: not pinned)'}, ` +
      `NODE_ENV=production, ${warmup} s warm-up, ${rounds} rounds of ${duration} s in alternating order, ` +
      `every request with a valid token, route {hello:'world'}` +
      (appHeapMb > 0 ? `, every server holding ${appHeapMb} MB of application data` : ''),
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  if (microOnly) {
    const m = await runMicro();
    if (m) for (const line of targetLines(targets([], [], m, undefined)).filter((l) => l.includes('1M') || l.includes('per grant'))) console.log(line);
    return;
  }
  if (instructionsOnly) {
    // Its own process, given the same options (--only, --processes, --requests).
    spawnSync(process.execPath, ['--import', 'tsx', join(here, 'instructions.ts'), ...argv], { cwd: root, stdio: 'inherit' });
    return;
  }
  if (importTimeOnly) {
    console.log(targetLines([importTarget(await runImportTime())])[0]);
    return;
  }
  const { rows, latency, skipped, versions } = await httpRounds();
  const micro = quick || only ? undefined : await runMicro();
  const imports = quick || only ? undefined : await runImportTime();
  const env = environment(versions);
  const date = new Date().toISOString().slice(0, 10);
  const out: string[] = [
    `## grantkit benchmark, ${date}${quick ? ' (quick mode: short rounds, not for publishing)' : ''}`,
    '',
    ...env.map((l) => `- ${l}`),
    '',
    table(rows),
    '',
    'ratio = req/s ÷ bare req/s of the same framework in this run; µs added/req = (1/req/s − 1/bare req/s) × 10⁶; ' +
      'spread = half the range of the rounds; server CPU µs/req = CPU time of the server process per request.',
  ];
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.variant.name}: ${r.note}`);
  if (skipped.length) out.push('', 'Not measured:', ...skipped.map(([n, why]) => `- ${n}: ${why}`));
  if (notes.length) out.push('', ...notes);
  out.push(...latencyTable(latency));
  if (micro) out.push('', micro.markdown);
  if (imports) out.push('', imports.markdown);
  const ts = targets(rows, latency, micro, imports);
  out.push('', '### Targets', '', ...targetLines(ts).map((l) => `- ${l}`));
  const hot = rows.filter((r) => r.rounds.some((x) => x.load.clientCpuPct > 95));
  if (hot.length) {
    out.push('', `Note: autocannon used > 95% of its core for ${hot.map((r) => r.variant.name).join(', ')}; there the client may be the limit.`);
  }
  const bad = rows.filter((r) => r.rounds.some((x) => x.load.non2xx + x.load.errors + x.load.timeouts > 0));
  console.log('\n' + out.join('\n') + '\n');
  if (bad.length) console.log(`!!! NON-2XX ANSWERS in: ${bad.map((r) => r.variant.name).join(', ')}: those figures are invalid !!!\n`);
  console.log(`\nTotal time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  if (!quick && !only) {
    writeFileSync(join(here, 'RESULTS.md'), out.join('\n') + '\n');
    writeFileSync(join(here, 'results.svg'), ratioChart(`grantkit: req/s ÷ bare req/s, ${date}`, chartBars(rows)));
    console.log('Written to bench/RESULTS.md and bench/results.svg.');
  }
  if (cpuProf && existsSync(profileDir)) console.log(`CPU profiles in ${profileDir} (one directory per variant; summarise the largest file: node --import tsx bench/profile.ts <file>)`);
}

// A measurement, not a test: whatever happens, exit 0 (and say what went wrong).
main()
  .catch((e: unknown) => console.error('bench failed:', e))
  .finally(() => process.exit(0));
