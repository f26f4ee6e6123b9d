import { asksForHelp, parse, type Args, type OptionSpecs } from './args.js';
import type { CliIo } from './context.js';

/** One command, as the dispatcher runs it and the help lists it. */
export interface Command {
  /** The words that name it: `migrate`, `api-keys create`. */
  readonly name: string;
  readonly summary: string;
  /** `grantkit api-keys create [--client ID] …` */
  readonly synopsis: string;
  help(): string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** Commands under one word (`api-keys create`, `api-keys list`), helped and dispatched together. */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

export interface CommandSpec<O extends OptionSpecs, A extends readonly string[]> {
  readonly name: string;
  /** One sentence: what the command does. */
  readonly summary: string;
  /** Whatever else an operator should know before running it. */
  readonly details?: string;
  /** The positional arguments' names, in order: `['GRANT_ID']`. */
  readonly args: A;
  readonly options: O;
  /** Replaces the generated synopsis where options depend on each other. */
  readonly synopsis?: string;
  readonly examples: readonly string[];
  run(args: Args<O, A>, io: CliIo): Promise<number>;
}

const HELP_OPTION = { name: '--help, -h', help: 'show this help' };

/**
 * A command from its declaration: the declared options drive the parser and the help alike, so
 * the help never lists an option the parser refuses, nor misses one it takes.
 */
export function command<const O extends OptionSpecs, const A extends readonly string[]>(spec: CommandSpec<O, A>): Command {
  const optionWords = Object.entries(spec.options).map(([name, o]) => `[--${name}${o.value === undefined ? '' : ` ${o.value}`}]`);
  const synopsis = `grantkit ${spec.synopsis ?? [spec.name, ...spec.args, ...optionWords].join(' ')}`;
  const help = (): string => {
    const options = [
      ...Object.entries(spec.options).map(([name, o]) => ({ name: `--${name}${o.value === undefined ? '' : ` ${o.value}`}`, help: o.help })),
      HELP_OPTION,
    ];
    return [
      `Usage: ${synopsis}`,
      '',
      spec.summary,
      ...(spec.details === undefined ? [] : ['', spec.details]),
      '',
      'Options:',
      ...columns(options.map((o) => [o.name, o.help])),
      '',
      spec.examples.length === 1 ? 'Example:' : 'Examples:',
      ...spec.examples.map((e) => `  ${e}`),
    ].join('\n');
  };
  return {
    name: spec.name,
    summary: spec.summary,
    synopsis,
    help,
    async run(argv, io) {
      if (asksForHelp(argv)) {
        io.out(help());
        return 0;
      }
      return spec.run(parse(argv, spec.options, spec.args), io);
    },
  };
}

/** Two columns, indented by two, the second aligned. */
export function columns(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}
