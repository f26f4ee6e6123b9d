import { parseArgs } from 'node:util';
import { nearest } from './suggest.js';

/** A mistake in how the CLI was called: reported with a pointer to the help, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** What a string option's value stands for in the help: `ID`, `DAYS`. */
  readonly value?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type OptionsOfType<O extends OptionSpecs, T extends OptionSpec['type']> = {
  [K in keyof O]: O[K]['type'] extends T ? K : never;
}[keyof O] &
  string;

/** A command's arguments, read by the names it declared: a misspelt name does not compile. */
export interface Args<O extends OptionSpecs, A extends readonly string[]> {
  string(name: OptionsOfType<O, 'string'>): string | undefined;
  flag(name: OptionsOfType<O, 'boolean'>): boolean;
  arg(name: A[number]): string;
}

/** `--help` or `-h` anywhere before `--`: help wins over any other mistake on the line. */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return argv.slice(0, end === -1 ? undefined : end).some((a) => a === '--help' || a === '-h');
}

/**
 * Parses with `node:util` parseArgs against the options a command declares, so a typo is an error
 * instead of being ignored. Node's strict mode is not used: its messages suggest `--` for an
 * unknown option, where the likely fix is a misspelt name, which this names.
 */
export function parse<O extends OptionSpecs, A extends readonly string[]>(argv: readonly string[], options: O, positionals: A): Args<O, A> {
  const config = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type }]));
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, string | true>();
  const given: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') given.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (spec === undefined) {
      const near = token.rawName.startsWith('--') ? nearest(token.name, Object.keys(options)) : undefined;
      throw new UsageError(`unknown option ${token.rawName}${near === undefined ? '' : `; did you mean --${near}?`}`);
    }
    values.set(token.name, optionValue(token.rawName, spec, token.value, token.inlineValue));
  }
  if (given.length !== positionals.length) {
    throw new UsageError(positionals.length === 0 ? 'this command takes no arguments' : `expected ${positionals.join(' ')}`);
  }
  return {
    string: (name) => {
      const v = values.get(name);
      return typeof v === 'string' ? v : undefined;
    },
    flag: (name) => values.get(name) === true,
    arg: (name) => {
      const v = given[positionals.indexOf(name)];
      if (v === undefined) throw new UsageError(`expected ${positionals.join(' ')}`);
      return v;
    },
  };
}

function optionValue(rawName: string, spec: OptionSpec, value: string | undefined, inline: boolean | undefined): string | true {
  if (spec.type === 'boolean') {
    if (value !== undefined) throw new UsageError(`${rawName} takes no value`);
    return true;
  }
  // A value that looks like an option (`--client --json`) is far more often a forgotten value.
  if (value === undefined || value === '' || (!inline && value.startsWith('-'))) {
    throw new UsageError(`${rawName} needs a value${value?.startsWith('-') ? ` (for a value that starts with "-", write ${rawName}=…)` : ''}`);
  }
  return value;
}

/** An option's value as a positive whole number, or undefined when it was not given. */
export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${option} must be a positive whole number`);
  return n;
}
