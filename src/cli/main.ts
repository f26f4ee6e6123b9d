import { API_KEYS_HELP, apiKeysCommand } from './api-keys.js';
import { UsageError } from './args.js';
import { CONNECTORS_HELP, connectorsCommand } from './connectors.js';
import { STORE_HELP, type CliIo } from './context.js';
import { GRANTS_HELP, grantsCommand } from './grants.js';
import { MIGRATE_HELP, migrateCommand } from './migrate.js';
import { ROTATE_KEYS_HELP, rotateKeysCommand } from './rotate-keys.js';

/**
 * `npx grantkit`: maintenance commands against the store the app uses (GRANTKIT_STORE).
 * Exit status: 0 done, 1 failed, 2 misused. Nothing secret is printed, except a new API key, once.
 */
const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<number>>> = {
  migrate: migrateCommand,
  'api-keys': apiKeysCommand,
  'rotate-keys': rotateKeysCommand,
  grants: grantsCommand,
  connectors: connectorsCommand,
};

const indent = (text: string): string => text.replace(/^/gm, '  ');

export const HELP = `Usage: grantkit <command> [options]

Commands:
${indent(MIGRATE_HELP)}
${indent(API_KEYS_HELP)}
${indent(GRANTS_HELP)}
${indent(CONNECTORS_HELP)}
${indent(ROTATE_KEYS_HELP)}

Environment:
  ${STORE_HELP}
  GRANTKIT_CLIENT_ID  the default --client of api-keys create`;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(HELP);
      return 0;
    }
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TypeError) {
      // TypeErrors come from validating input (GRANTKIT_STORE, an API key's options): say what, not where.
      io.err(`grantkit: ${e.message}`);
      if (e instanceof UsageError) io.err('Run "grantkit --help" for usage.');
      return 2;
    }
    // A driver's message names the host and the failure, never a password; no stack traces.
    io.err(`grantkit: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
});
