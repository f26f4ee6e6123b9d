/**
 * The CLI's arguments: positionals and `--name value` / `--name=value` / `--flag` options. Every
 * command declares the options it knows, so a typo is an error instead of being ignored.
 */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `known` maps each option to whether it takes a value. */
export function parseArgs(argv: readonly string[], known: Readonly<Record<string, boolean>>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const takesValue = known[name];
    if (takesValue === undefined) throw new UsageError(`unknown option --${name}`);
    if (!takesValue) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { positionals, options };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function positiveInt(args: ParsedArgs, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number`);
  return n;
}

/** Exactly `count` positionals, or a usage error that says what was expected. */
export function expectPositionals(args: ParsedArgs, names: readonly string[]): string[] {
  if (args.positionals.length !== names.length) {
    throw new UsageError(names.length === 0 ? 'this command takes no arguments' : `expected ${names.join(' ')}`);
  }
  return [...args.positionals];
}
