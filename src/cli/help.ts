import { columns, type Command, type CommandGroup } from './command.js';
import { STORE_HELP } from './context.js';

/** A command, or the commands under one word. */
export type Entry = Command | CommandGroup;

export function isGroup(entry: Entry): entry is CommandGroup {
  return 'commands' in entry;
}

/** `grantkit`, `grantkit --help`, `grantkit help`: every command in a line, and where to read more. */
export function overview(entries: readonly Entry[]): string {
  const commands = entries.flatMap((e) => (isGroup(e) ? e.commands : [e]));
  return [
    'Usage: grantkit <command> [options]',
    '',
    'Maintenance commands against the store the app uses (GRANTKIT_STORE), and the scopes an app needs.',
    '',
    'Commands:',
    ...columns(commands.map((c) => [c.name, c.summary])),
    '',
    'Run "grantkit help <command>" or "grantkit <command> --help" for its options and an example.',
    '',
    'Options:',
    ...columns([
      ['--help, -h', 'show this help'],
      ['--version', "print grantkit's version"],
    ]),
    '',
    'Environment:',
    ...columns([
      ['GRANTKIT_STORE', STORE_HELP],
      ['GRANTKIT_CLIENT_ID', 'the default --client of api-keys create'],
    ]),
    '',
    'Exit status: 0 done, 1 failed, 2 misused. Nothing secret is printed, except a new API key, once.',
  ].join('\n');
}

/** `grantkit help api-keys`, `grantkit api-keys --help`: each command under the word, in full. */
export function groupHelp(group: CommandGroup): string {
  return [
    `Usage: grantkit ${group.name} <${group.commands.map((c) => c.name.slice(group.name.length + 1)).join('|')}> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...group.commands.flatMap((c) => [`  ${c.synopsis}`, `      ${c.summary}`]),
    '',
    `Run "grantkit help ${group.name} <command>" for a command's options and an example.`,
  ].join('\n');
}
