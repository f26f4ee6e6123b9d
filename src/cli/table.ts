/** Left-aligned columns for terminal output: a header row, then one row per record. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Milliseconds since the epoch as an ISO time, or `never`. */
export function time(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString();
}
