import type { CliIo } from './context.js';
import { table } from './table.js';

/** How a list command prints what it found: a JSON array with --json, one line when there is nothing, a table otherwise. */
export function printList<T>(
  io: CliIo,
  items: readonly T[],
  how: { readonly json: boolean; readonly none: string; readonly header: readonly string[]; readonly row: (item: T) => string[] },
): number {
  if (how.json) {
    io.out(JSON.stringify(items));
    return 0;
  }
  if (items.length === 0) {
    io.out(how.none);
    return 0;
  }
  for (const l of table(how.header, items.map((item) => how.row(item)))) io.out(l);
  return 0;
}
