/**
 * Fixed-size rows of numbers in one ArrayBuffer, seen both as 32-bit integers and as doubles, so
 * that everything a row holds sits together (one or two adjacent cache lines) rather than in one
 * array per field. A row is `words` 32-bit words; a double takes two, at an even word.
 */
export class RowBuffer {
  readonly #words: number;
  #rows = 0;
  i32 = new Int32Array(0);
  f64 = new Float64Array(0);

  constructor(words: number) {
    if (words % 2 !== 0) throw new Error('a row must be a whole number of doubles');
    this.#words = words;
  }

  /** Makes room for row `row`, doubling; new rows read as zeros. */
  ensure(row: number): void {
    if (row < this.#rows) return;
    let rows = Math.max(this.#rows, 16);
    while (rows <= row) rows *= 2;
    const buffer = new ArrayBuffer(rows * this.#words * 4);
    const i32 = new Int32Array(buffer);
    i32.set(this.i32);
    this.i32 = i32;
    this.f64 = new Float64Array(buffer);
    this.#rows = rows;
  }
}

/** A copy of `a` with room for at least `min` entries (doubled as often as needed), the new ones set to `fill`. */
export function grownInt32(a: Int32Array, min: number, fill: number): Int32Array<ArrayBuffer> {
  let n = Math.max(a.length, 16);
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  b.fill(fill, a.length);
  return b;
}
