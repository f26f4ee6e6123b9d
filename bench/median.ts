/**
 * The median, NaN for no values: one disturbed round or process (a neighbour's burst on a shared
 * machine) cannot move it far. Every bench figure that summarises repeats uses it.
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
