/**
 * `npm run bench -- --instructions`: the machine instructions a server spends per request, counted
 * by valgrind's callgrind, for the main variants. Throughput on a shared VM moves by ±20% from
 * round to round with the machine's speed; an instruction count does not, so it tells whether a
 * gap between two variants is in the code or in the machine. It counts user-space instructions
 * only (JavaScript, V8's compiler and garbage collector, libuv, OpenSSL), not the kernel's work for
 * the sockets, which is the same for every variant, and not how long a cache miss stalls.
 *
 * Each variant's server runs under callgrind with counting off; autocannon (in this process, not
 * counted) warms it up, counting is switched on for a fixed number of requests, then off, and the
 * count is read from callgrind's dump, with V8's compiler counted apart (see COMPILER). The median
 * of several processes per variant, in alternating order. About half a minute per process here:
 * valgrind runs the server some 50 times slower.
 *
 * With --cache, callgrind also simulates the caches, sized as this VM's core reports them (32 KiB
 * L1, and its 512 KiB L2 as the "last level", since callgrind simulates two levels and an L2 miss
 * is the first that stalls for long), and the misses per request are printed beside the count: two
 * variants that run the same instructions at different speeds differ there, if anywhere in user
 * space.
 *
 *   options: --processes=N (default 5)  --requests=N (default 4000)  --only=name,name  --cache
 *            --app-heap=MB (every server also holds that much application data, as in run.ts)
 */
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.js';
import { readyMessage, type Ready } from './protocol.js';
import { bareName, grantkitName, referenceName, VARIANTS, type Framework, type Variant } from './variants.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const processes = Math.max(1, Number(option('processes') ?? 5));
const requests = Math.max(1000, Number(option('requests') ?? 4000));
const only = option('only')?.split(',');
const cache = argv.includes('--cache');
const appHeapMb = Math.max(0, Number(option('app-heap') ?? 0));
/** L1 as this VM's cores report it, and their L2 in callgrind's "last level" slot (see above). */
const CACHE_SIM = ['--cache-sim=yes', '--I1=32768,8,64', '--D1=32768,8,64', '--LL=524288,8,64'];
/**
 * 100 connections as in the throughput rounds, but one request at a time on each: with pipelining,
 * autocannon resolves once it has sent `amount` and stops counting the last connections × (depth −
 * 1) answers, which a server slowed by valgrind may not have handled yet, so the window would hold
 * an unknown number of requests. Without it every request is answered before the window closes.
 * Under valgrind a request may take seconds to come back.
 */
const LOAD = { connections: 100, pipelining: 1, timeout: 120 } as const;
const defaults = (fw: Framework): string[] => [bareName(fw), referenceName(fw), grantkitName(fw, 'memory'), grantkitName(fw, 'sqlite')];
const DEFAULT_VARIANTS = new Set([...defaults('express'), ...defaults('koa')]);

const chosen = VARIANTS.filter((v) => (only ? only.some((o) => v.name.includes(o)) : DEFAULT_VARIANTS.has(v.name)));

/** Instructions per request in one fresh server process, or why it could not be counted. */
async function countOnce(variant: Variant, dir: string): Promise<Count | string> {
  const out = join(dir, `${variant.server}-${process.hrtime.bigint()}`);
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--smc-check=all-non-file',
      ...(cache ? CACHE_SIM : []),
      `--callgrind-out-file=${out}`,
      process.execPath,
      '--import',
      'tsx',
      join(here, 'servers', `${variant.server}.ts`),
    ],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production', BENCH_APP_HEAP_MB: String(appHeapMb), ...variant.env }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    const ready = await readyMessage(child, 600_000);
    if (typeof ready === 'string') return ready;
    const pid = String(child.pid);
    await load(ready, 2 * requests);
    control('-i', 'on', pid);
    const r = await load(ready, requests);
    control('-i', 'off', pid);
    control('-d', pid);
    if (r['2xx'] !== requests) return `${requests - r['2xx']} of ${requests} requests not answered 2xx`;
    return countOf(dir, out, requests);
  } finally {
    child.kill('SIGKILL');
  }
}

function load(ready: Ready, amount: number): ReturnType<typeof autocannon> {
  return autocannon({ url: `http://127.0.0.1:${ready.port}/`, amount, headers: { authorization: ready.authorization }, ...LOAD });
}

function control(...args: string[]): void {
  const r = spawnSync('callgrind_control', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

/**
 * V8's compilers and parser: they keep compiling for many thousands of requests after start
 * (about a third of all instructions in a 4,000-request window after 8,000 of warm-up, seen on a
 * Koa server), by amounts that differ from process to process. They are start-up cost, not
 * per-request cost, so they are counted apart.
 */
const COMPILER =
  /v8::internal::(compiler|maglev|baseline|interpreter|wasm)::|v8::internal::(Zone|Parser|PreParser|Scanner|AstValueFactory|DeclarationScope|Scope::|OptimizingCompileDispatcher|Compiler::|ParseInfo|UnoptimizedCompil|Ast|BytecodeArray|SourcePosition|Assembler|MacroAssembler|RelocInfo|TurboAssembler|Deoptimizer)|SourcePositionWrapper/;

interface Count {
  /** Everything but the compiler, per request. */
  readonly work: number;
  /** V8's compiler and parser, per request. */
  readonly compiler: number;
  /** With --cache: L1 and L2 misses (instruction and data) per request, the compiler's left out. */
  readonly l1?: number;
  readonly l2?: number;
}

/**
 * One column of callgrind_annotate's table: a count with its share, "." for none, or a bare "0"
 * (with several events, a column with no count of that event prints so).
 */
const COLUMN = /[\d,]+ \(\s*[\d.]+%\)|\.|\b0\b/g;
const COLUMNS = /^\s*((?:(?:[\d,]+ \(\s*[\d.]+%\)|\.|0)\s+)+)(\S.*)$/;

/** Self cost per function of the dump callgrind_control -d wrote (`<out>.1`), split by COMPILER. */
function countOf(dir: string, out: string, requests: number): Count {
  const base = out.slice(dir.length + 1);
  const dump = readdirSync(dir).find((f) => f.startsWith(`${base}.`) && statSync(join(dir, f)).size > 0);
  if (dump === undefined) throw new Error(`callgrind wrote no dump beside ${out}`);
  const annotated = spawnSync('callgrind_annotate', ['--threshold=100', join(dir, dump)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const lines = annotated.stdout.split('\n');
  const events = (lines.find((l) => l.startsWith('Events shown:')) ?? 'Events shown: Ir').slice('Events shown:'.length).trim().split(/\s+/);
  const sum = (names: readonly string[], columns: readonly number[]): number =>
    names.reduce((total, name) => total + (columns[events.indexOf(name)] ?? 0), 0);
  let work = 0;
  let compiler = 0;
  let l1 = 0;
  let l2 = 0;
  for (const line of lines) {
    const m = COLUMNS.exec(line);
    if (!m || m[2]!.includes('PROGRAM TOTALS')) continue;
    const columns = m[1]!.match(COLUMN)!.map((c) => (c === '.' || c === '0' ? 0 : Number(c.slice(0, c.indexOf(' ')).replaceAll(',', ''))));
    if (COMPILER.test(m[2]!)) {
      compiler += columns[0]!;
      continue;
    }
    work += columns[0]!;
    l1 += sum(['I1mr', 'D1mr', 'D1mw'], columns);
    l2 += sum(['ILmr', 'DLmr', 'DLmw'], columns);
  }
  if (work === 0) throw new Error(`callgrind_annotate found no functions in ${dump}: ${annotated.stderr}`);
  const per = (n: number): number => n / requests;
  return { work: per(work), compiler: per(compiler), ...(events.includes('DLmr') ? { l1: per(l1), l2: per(l2) } : {}) };
}

const k = (n: number): string => `${(n / 1000).toFixed(1)}k`;
const misses = (c: Count): string => (c.l1 === undefined ? '' : `, ${Math.round(c.l1)} L1 and ${Math.round(c.l2!)} L2 misses`);
const describe = (c: Count): string => `${k(c.work)} instructions/request${misses(c)}, and ${k(c.compiler)} in V8's compiler`;

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('valgrind is not installed here: no instruction counts.');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'grantkit-instructions-'));
  const counts = new Map<string, Count[]>(chosen.map((v) => [v.name, []]));
  const failures = new Map<string, string>();
  try {
    for (let p = 0; p < processes; p++) {
      // Alternating order, as in the throughput rounds.
      const order = p % 2 === 0 ? chosen : [...chosen].reverse();
      for (const v of order) {
        if (failures.has(v.name)) continue;
        const c = await countOnce(v, dir);
        if (typeof c === 'string') failures.set(v.name, c);
        else counts.get(v.name)!.push(c);
        console.log(`  ${v.name}: ${typeof c === 'string' ? c : describe(c)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const medianOf = (name: string, part: keyof Count): number | undefined => {
    const xs = counts.get(name)?.flatMap((c) => c[part] ?? []);
    return xs && xs.length > 0 ? median(xs) : undefined;
  };
  const missColumns = cache ? ' L1 misses/request (median) | L2 misses/request (median) |' : '';
  const rows = [
    `| variant | instructions/request (median) | each process | added to bare | added to the reference check | V8's compiler, per request (median) |${missColumns}`,
    `|---|---:|---|---:|---:|---:|${cache ? '---:|---:|' : ''}`,
  ];
  for (const v of chosen) {
    const m = medianOf(v.name, 'work');
    if (m === undefined) {
      rows.push(`| ${v.name} | ${failures.get(v.name) ?? 'not counted'} | | | | |${cache ? ' | |' : ''}`);
      continue;
    }
    const diff = (base: string): string => {
      const b = v.name === base ? undefined : medianOf(base, 'work');
      return b === undefined ? '–' : `${m >= b ? '+' : ''}${k(m - b)}`;
    };
    const each = counts.get(v.name)!.map((c) => k(c.work)).join(' / ');
    const compiler = k(medianOf(v.name, 'compiler')!);
    const missCells = cache ? ` ${Math.round(medianOf(v.name, 'l1') ?? NaN)} | ${Math.round(medianOf(v.name, 'l2') ?? NaN)} |` : '';
    rows.push(`| ${v.name} | ${k(m)} | ${each} | ${diff(bareName(v.framework))} | ${diff(referenceName(v.framework))} | ${compiler} |${missCells}`);
  }
  console.log(
    `\nUser-space instructions per request (callgrind), V8's compiler and parser apart, ${requests} requests per process ` +
      `after ${2 * requests} of warm-up, autocannon -c ${LOAD.connections} -p ${LOAD.pipelining}, NODE_ENV=production, ` +
      `${processes} fresh processes per variant in alternating order${appHeapMb > 0 ? `, every server holding ${appHeapMb} MB of application data` : ''}, ${process.version}:\n\n${rows.join('\n')}\n`,
  );
}

await main();
