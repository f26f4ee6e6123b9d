import { execFile } from 'node:child_process';

/** The CLI's source entry point. In a checkout there is no dist/, so it runs through tsx. */
export const CLI_SOURCE = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npx grantkit …` as an operator runs it: a child process with its own environment, stdout and
 * stderr piped (so neither is a terminal). `env` is laid over this process's; a variable set to
 * undefined is removed.
 */
export function runGrantkit(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  return runNode(['--import', 'tsx', CLI_SOURCE, ...args], env);
}

/** `node ARGS…`, with the same conventions as runGrantkit. */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, ...env }, ...(cwd === undefined ? {} : { cwd }) }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
