import { apiKeys } from './api-keys.js';
import { UsageError } from './args.js';
import type { Command, CommandGroup } from './command.js';
import { connectors } from './connectors.js';
import type { CliIo } from './context.js';
import { grants } from './grants.js';
import { groupHelp, isGroup, overview, type Entry } from './help.js';
import { migrate } from './migrate.js';
import { rotateKeys } from './rotate-keys.js';
import { scopes } from './scopes.js';
import { nearest } from './suggest.js';
import { UnmigratedStoreError } from './unmigrated.js';
import { version } from './version.js';

/** In the order the help lists them. */
const ENTRIES: readonly Entry[] = [migrate, apiKeys, grants, connectors, rotateKeys, scopes];

/** What the words on a command line name: a command and its arguments, or a whole group. */
type Target = { readonly command: Command; readonly rest: readonly string[] } | { readonly group: CommandGroup };

/**
 * `npx grantkit …`: maintenance commands against the store the app uses (GRANTKIT_STORE).
 * Returns the exit status: 0 done, 1 failed, 2 misused. Nothing secret is printed, except a new
 * API key, once.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    io.out(overview(ENTRIES));
    return first === undefined ? 2 : 0;
  }
  // What the usage hint points at: the command, or as much of it as was recognised.
  let named: string | undefined;
  try {
    if (first === '--version') {
      io.out(version());
      return 0;
    }
    if (first === 'help') return help(rest, io);
    const target = find(argv, true);
    if ('group' in target) {
      named = target.group.name;
      io.out(groupHelp(target.group));
      return 0;
    }
    named = target.command.name;
    return await target.command.run(target.rest, io);
  } catch (e) {
    return report(e, io, named ?? recognised(argv));
  }
}

/** `grantkit help`, `grantkit help grants`, `grantkit help grants list`. */
function help(words: readonly string[], io: CliIo): number {
  if (words.length === 0) {
    io.out(overview(ENTRIES));
    return 0;
  }
  const target = find(words, false);
  if ('group' in target) io.out(groupHelp(target.group));
  else if (target.rest.length > 0) throw new UsageError(`${target.command.name} has no command "${target.rest[0]}"`);
  else io.out(target.command.help());
  return 0;
}

/**
 * The command the words name. A group's name alone is an error when running (the subcommand is
 * missing) and its help when asking for help, or when followed by --help.
 */
function find(words: readonly string[], running: boolean): Target {
  const [word = '', sub, ...rest] = words;
  const entry = ENTRIES.find((e) => e.name === word);
  if (entry === undefined) {
    if (word.startsWith('-')) throw new UsageError(`unknown option ${word}${didYouMean(word, ['--help', '--version'])}`);
    throw new UsageError(`unknown command "${word}"${didYouMean(word, [...ENTRIES.map((e) => e.name), 'help', '--version'])}`);
  }
  if (!isGroup(entry)) return { command: entry, rest: words.slice(1) };
  const names = entry.commands.map((c) => c.name.slice(entry.name.length + 1));
  if (sub === '--help' || sub === '-h' || (sub === undefined && !running)) return { group: entry };
  if (sub === undefined) throw new UsageError(`${entry.name} needs ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
  const command = entry.commands.find((c) => c.name === `${entry.name} ${sub}`);
  if (command === undefined) throw new UsageError(`unknown ${entry.name} command "${sub}"${didYouMean(sub, names)}`);
  return { command, rest };
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const near = nearest(word, candidates);
  return near === undefined ? '' : `; did you mean "${near}"?`;
}

/** The command or group the words start with, for the usage hint of an error found before `find` returned. */
function recognised(argv: readonly string[]): string | undefined {
  const words = argv[0] === 'help' ? argv.slice(1) : argv;
  const entry = ENTRIES.find((e) => e.name === words[0]);
  if (entry === undefined || !isGroup(entry)) return entry?.name;
  return entry.commands.find((c) => c.name === `${entry.name} ${words[1]}`)?.name ?? entry.name;
}

function report(e: unknown, io: CliIo, named: string | undefined): number {
  if (e instanceof UsageError || e instanceof TypeError) {
    // TypeErrors come from validating input (GRANTKIT_STORE, an API key's options): say what, not where.
    io.err(`grantkit: ${e.message}`);
    if (e instanceof UsageError) io.err(`Run "grantkit ${named === undefined ? '--help' : `help ${named}`}" for usage.`);
    return 2;
  }
  if (e instanceof UnmigratedStoreError) {
    io.err(`grantkit: ${e.message}`);
    return 1;
  }
  // A driver's message names the host and the failure, never a password; no stack traces.
  io.err(`grantkit: ${named ?? 'the command'} failed: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}
