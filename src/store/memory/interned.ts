/**
 * What a MemoryStore keeps once however many records repeat it: the strings few records share
 * (client ids, providers) and the scope lists. Rows hold small integers that name them.
 */

/** Strings by number, for values there are few of (client ids, providers): kept for the store's life. */
export class StringTable {
  readonly #ids = new Map<string, number>();
  readonly #values: string[] = [];

  id(value: string): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#values.push(value) - 1;
      this.#ids.set(value, id);
    }
    return id;
  }

  /** The number of a value already seen, or -1: a filter on a value never stored matches nothing. */
  find(value: string): number {
    return this.#ids.get(value) ?? -1;
  }

  value(id: number): string {
    return this.#values[id] ?? '';
  }
}

/**
 * Scope lists, one frozen array per distinct list (order kept: the 403 text and the v3 answers
 * show it), shared by every grant and token that has that list and handed out as the record's
 * `scopes`. Counted, so a list nobody holds any longer is forgotten.
 */
export class ScopeLists {
  readonly #ids = new Map<string, number>();
  readonly #lists: (readonly string[])[] = [];
  readonly #keys: string[] = [];
  readonly #holders: number[] = [];
  readonly #free: number[] = [];

  /** The number of `list`, counted as held once more. */
  hold(list: readonly string[]): number {
    // JSON keeps lists apart that a plain join would merge (["a b"] and ["a", "b"]).
    const key = JSON.stringify(list);
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#free.pop() ?? this.#lists.length;
      this.#lists[id] = Object.freeze([...list]);
      this.#keys[id] = key;
      this.#holders[id] = 0;
      this.#ids.set(key, id);
    }
    this.#holders[id]!++;
    return id;
  }

  release(id: number): void {
    if (id < 0) return;
    const left = this.#holders[id]! - 1;
    this.#holders[id] = left;
    if (left > 0) return;
    this.#ids.delete(this.#keys[id]!);
    this.#lists[id] = EMPTY;
    this.#keys[id] = '';
    this.#free.push(id);
  }

  get(id: number): readonly string[] {
    return this.#lists[id] ?? EMPTY;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * The string as a store keeps it: flat. V8 keeps a string built by concatenation as a tree of its
 * pieces until something needs it in one piece; randomUUID() builds its answer from some twenty,
 * several hundred bytes for 36 characters. Converting a string to a number flattens it in place,
 * and the next garbage collection drops the pieces: a grant id kept for its grant's life then costs
 * about a tenth as much.
 */
export function flat<T extends string | null>(value: T): T {
  // The number is kept where a compiler cannot prove it unused, so the conversion is not dropped.
  if (value !== null) sink ^= Number(value) | 0;
  return value;
}

let sink = 0;
