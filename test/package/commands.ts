import { spawn } from 'node:child_process';

export interface Ran {
  /** null when the command was killed (its time ran out). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command to its end, without a shell, and keeps what it printed and how long it took. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...shellEnv(), NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 300_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** As run, but a command that does not exit 0 is an error that shows what it printed. */
export async function mustRun(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  const ran = await run(command, args, options);
  if (ran.code !== 0) {
    throw new Error(`${[command, ...args].join(' ')} (in ${options.cwd}) exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`);
  }
  return ran;
}

/**
 * The environment as a user's shell has it: without the variables `npm test` exports about this
 * project (its package fields, its .npmrc, and its folder as npm's local prefix, which would make
 * an npm command in a fixture act on this repository).
 */
function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_|^npm_command$/.test(name)));
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
