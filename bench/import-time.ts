/**
 * What importing grantkit costs an app, measured on the package as a user installs it: run by
 * run.ts after the in-process figures, or alone with `npm run bench -- --import-time`.
 *
 *   node --import tsx bench/import-time.ts [work tree]     default: this checkout
 *
 * The work tree is copied (without .git, node_modules and dist), packed with `npm pack` (prepack
 * builds dist/), and the tarball installed with Express into a temporary folder. Then, in
 * alternating order, fresh processes time `import('express')` alone and `import('express')`,
 * `import('grantkit')` and `import('grantkit/express')` together, each from its first import to
 * its last, so Node's own start-up is left out of both. The figure is the difference of the two
 * medians of wall-clock time; the same for CPU time is shown beside it, since on a shared machine
 * the wall clock also counts the time other processes had the CPU. Prints a markdown section,
 * then one prefixed JSON line that run.ts reads.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.js';
import { MESSAGE_PREFIX } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const tree = resolve(process.argv[2] ?? root);
const ROUNDS = 10;
/** The most importing grantkit and its Express adapter may add to a bare `import('express')`. */
export const IMPORT_BUDGET_MS = 150;

/** What run.ts reads. */
export interface ImportTimeSummary {
  readonly markdown: string;
  /** Median ms of import('express') alone. */
  readonly bareMs: number;
  /** Median ms of import('express') + import('grantkit') + import('grantkit/express'). */
  readonly withGrantkitMs: number;
  readonly addedMs: number;
  /** The same difference in CPU time. */
  readonly addedCpuMs: number;
}

/** Runs a command to its end; what it printed, or an error saying what failed. */
function must(command: string, args: readonly string[], cwd: string): string {
  const ran = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  if (ran.status !== 0) throw new Error(`${[command, ...args].join(' ')} exited ${ran.status ?? ran.signal}: ${(ran.stderr || ran.stdout).slice(-600)}`);
  return ran.stdout;
}

/** The tarball of a copy of the work tree, so the build prepack makes leaves the checkout's dist/ alone. */
function pack(work: string): string {
  const stage = join(work, 'stage');
  const skipped = new Set(['.git', 'node_modules', 'dist', '.bench']);
  cpSync(tree, stage, { recursive: true, filter: (src) => !skipped.has(src.slice(tree.length + 1).split('/')[0] ?? '') });
  symlinkSync(join(tree, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const out = must('npm', ['pack', '--json', '--pack-destination', work], stage);
  const [report] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
  if (!report) throw new Error('npm pack reported no package');
  return join(work, report.filename);
}

/** A folder with the tarball and the Express this checkout benchmarks against, installed by npm. */
function install(work: string, tarball: string): { app: string; express: string } {
  const app = join(work, 'app');
  const express = (JSON.parse(readFileSync(join(root, 'node_modules', 'express', 'package.json'), 'utf8')) as { version: string }).version;
  cpSync(join(here, 'import-probe.mjs'), join(app, 'probe.mjs'));
  writeFileSync(join(app, 'package.json'), '{ "private": true, "type": "module" }\n');
  must('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `express@${express}`], app);
  return { app, express };
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** One fresh process: ms from its first import to the end of its last, and the CPU ms it used. */
function timed(app: string, specifiers: readonly string[]): Timing {
  const [wallMs, cpuMs] = must(process.execPath, ['probe.mjs', ...specifiers], app).trim().split(' ').map(Number);
  if (!Number.isFinite(wallMs) || !Number.isFinite(cpuMs)) throw new Error(`bench/import-probe.mjs printed no timing for ${specifiers.join(', ')}`);
  return { wallMs: wallMs!, cpuMs: cpuMs! };
}

function measure(): ImportTimeSummary {
  const work = mkdtempSync(join(tmpdir(), 'grantkit-import-'));
  try {
    console.log(`\nImport time: packing ${tree} and installing the tarball…`);
    const tarball = pack(work);
    const { app, express } = install(work, tarball);
    const bare: Timing[] = [];
    const withGrantkit: Timing[] = [];
    const BARE = ['express'];
    const GRANTKIT = ['express', 'grantkit', 'grantkit/express'];
    timed(app, GRANTKIT); // a first run warms the file system cache for both
    for (let i = 0; i < ROUNDS; i++) {
      // A B, then B A: slow drift on a shared machine hits both alike.
      if (i % 2 === 0) bare.push(timed(app, BARE)), withGrantkit.push(timed(app, GRANTKIT));
      else withGrantkit.push(timed(app, GRANTKIT)), bare.push(timed(app, BARE));
    }
    const wall = (ts: readonly Timing[]): number[] => ts.map((t) => t.wallMs);
    const cpu = (ts: readonly Timing[]): number[] => ts.map((t) => t.cpuMs);
    const bareMs = median(wall(bare));
    const withGrantkitMs = median(wall(withGrantkit));
    const addedMs = withGrantkitMs - bareMs;
    const addedCpuMs = median(cpu(withGrantkit)) - median(cpu(bare));
    const ms = (xs: readonly number[]): string => xs.map((x) => x.toFixed(0)).join(' ');
    console.log(`  express alone, wall ms:       ${ms(wall(bare))}`);
    console.log(`  express + grantkit, wall ms:  ${ms(wall(withGrantkit))}`);
    const markdown = [
      '### Import time',
      '',
      `Node ${process.version}, the packed tarball installed with express ${express}; median of ${ROUNDS} fresh processes each, ` +
        'timed from the first import to the end of the last.',
      '',
      '| imports | median ms | median CPU ms | runs (ms) |',
      '|---|---:|---:|---|',
      `| express | ${bareMs.toFixed(0)} | ${median(cpu(bare)).toFixed(0)} | ${ms(wall(bare))} |`,
      `| express, grantkit, grantkit/express | ${withGrantkitMs.toFixed(0)} | ${median(cpu(withGrantkit)).toFixed(0)} | ${ms(wall(withGrantkit))} |`,
      `| added by grantkit | ${addedMs.toFixed(0)} | ${addedCpuMs.toFixed(0)} | – |`,
    ].join('\n');
    return { markdown, bareMs, withGrantkitMs, addedMs, addedCpuMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Run as a script (by run.ts or by hand), not when run.ts imports the budget above.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const summary = measure();
    console.log(`\n${summary.markdown}\n`);
    process.stdout.write(MESSAGE_PREFIX + JSON.stringify(summary) + '\n');
  } catch (e) {
    console.log(`!!! import time not measured: ${e instanceof Error ? e.message : String(e)}`);
  }
}
