import { runCli } from './run.js';

// The entry point the bin imports: binds the CLI to this process. No top-level await, so the
// module loads like any other.
void runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  // Progress only on a terminal: a pipe or a log file gets the results alone.
  ...(process.stderr.isTTY ? { terminal: { write: (text: string) => process.stderr.write(text) } } : {}),
}).then((code) => {
  process.exitCode = code;
});
