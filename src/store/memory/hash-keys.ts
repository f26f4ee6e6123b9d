/**
 * The token hashes of a MemoryStore, as fixed-width keys: a SHA-256 in base64url (43 characters,
 * what hashSecret() makes) is kept as its 32 bytes in one typed array, in an open-addressing table
 * with linear probing. A lookup decodes the hash into a scratch buffer and reads one slot (its key
 * and, beside it, the row it names), usually within one or two cache lines however many tokens
 * there are; no string per token is kept, and the garbage collector has nothing to trace here.
 *
 * Any other string (a store may be handed hashes of its own making) goes to a plain Map, so every
 * hash the Store interface accepts works; only the canonical ones are compact.
 */

const WORDS = 8; // 32 bytes per key
const EMPTY = -1;
const GONE = -2; // a deleted slot: lookups probe past it, inserts may reuse it
const MIN_CAPACITY = 1024;

/** base64url character code → its 6 bits, or -1. */
const DECODE = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => {
  DECODE[c.charCodeAt(0)] = i;
});

/**
 * Decodes a canonical 43-character base64url SHA-256 into `into` (8 words over 32 bytes). False
 * for anything else, including a last character whose two unused bits are set: that string would
 * not come back unchanged from the bytes, so it is not canonical.
 */
function decode(hash: string, bytes: Uint8Array): boolean {
  if (hash.length !== 43) return false;
  let out = 0;
  let i = 0;
  for (; i < 40; i += 4) {
    const n = sextet(hash, i) << 18 | sextet(hash, i + 1) << 12 | sextet(hash, i + 2) << 6 | sextet(hash, i + 3);
    if (n < 0) return false;
    bytes[out++] = n >> 16;
    bytes[out++] = (n >> 8) & 255;
    bytes[out++] = n & 255;
  }
  const a = sextet(hash, 40);
  const b = sextet(hash, 41);
  const c = sextet(hash, 42);
  if ((a | b | c) < 0 || (c & 3) !== 0) return false;
  bytes[30] = (a << 2) | (b >> 4);
  bytes[31] = ((b & 15) << 4) | (c >> 2);
  return true;
}

/** The 6 bits of the character at `i`, or a negative number (which poisons an OR of several). */
function sextet(s: string, i: number): number {
  const code = s.charCodeAt(i);
  return code < 128 ? DECODE[code]! : -1;
}

/**
 * A slot is sixteen 32-bit words, 64 bytes: the key (8), the row (1), three integers and two
 * doubles (at words 12 and 14) that the owner of the table keeps there. The table's buffer is
 * page-aligned once it is large, so a slot is exactly one cache line: a lookup that finds its key
 * in the first slot it probes reads one line of memory.
 */
const SLOT = 16;
const ROW = 8;
const INTS = 9;
const NUMS = 6; // in doubles

/**
 * The token index of a MemoryStore: hash → row, and beside each key a few numbers its owner reads
 * with it (token-rows.ts keeps there what a resolution needs and never changes while the token is
 * stored). Key, row and numbers share one slot, so a resolution reads one or two adjacent cache
 * lines (and one memory page) of the table, not a slot and then a row elsewhere.
 */
export class HashKeys {
  #mask = MIN_CAPACITY - 1;
  #slots = emptySlots(MIN_CAPACITY);
  #nums = new Float64Array(this.#slots.buffer);
  /** Per row: its slot, or -1 when its hash is kept in `#odd`. */
  #slotOfRow = new Int32Array(MIN_CAPACITY).fill(-1);
  /** Slots not EMPTY (live and GONE): the table grows or is rebuilt before it is half full. */
  #used = 0;
  readonly #bytes = new Uint8Array(WORDS * 4);
  readonly #words = new Int32Array(this.#bytes.buffer);
  /** Hashes that are not canonical SHA-256 base64url, both ways. */
  readonly #odd = new Map<string, number>();
  readonly #oddOfRow = new Map<number, string>();

  /** The row stored under `hash`, or -1. */
  lookup(hash: string): number {
    if (!decode(hash, this.#bytes)) return this.#odd.get(hash) ?? -1;
    const slot = this.#find(this.#words);
    return slot < 0 ? -1 : this.#slots[slot * SLOT + ROW]!;
  }

  /**
   * The slot of `hash` for the accessors below, or -1. A hash kept in the plain Map answers -1:
   * the caller falls back to lookup() and the token's row.
   */
  slotOf(hash: string): number {
    return decode(hash, this.#bytes) ? this.#find(this.#words) : -1;
  }

  rowAt(slot: number): number {
    return this.#slots[slot * SLOT + ROW]!;
  }

  /** The `i`th integer (0 to 2) kept beside the key. */
  int(slot: number, i: number): number {
    return this.#slots[slot * SLOT + INTS + i]!;
  }

  setInt(slot: number, i: number, value: number): void {
    this.#slots[slot * SLOT + INTS + i] = value;
  }

  /** The `i`th double (0 or 1) kept beside the key. */
  num(slot: number, i: number): number {
    return this.#nums[(slot * SLOT) / 2 + NUMS + i]!;
  }

  setNum(slot: number, i: number, value: number): void {
    this.#nums[(slot * SLOT) / 2 + NUMS + i] = value;
  }

  /** Stores `row` under `hash`, which must not be stored yet; returns its slot, or -1 for a hash kept in the Map. */
  add(hash: string, row: number): number {
    if (row >= this.#slotOfRow.length) this.#slotOfRow = grownInt32(this.#slotOfRow, row + 1, -1);
    if (!decode(hash, this.#bytes)) {
      this.#odd.set(hash, row);
      this.#oddOfRow.set(row, hash);
      this.#slotOfRow[row] = -1;
      return -1;
    }
    if ((this.#used + 1) * 2 > this.#mask + 1) this.#rebuild();
    return this.#place(this.#words, row);
  }

  /** Forgets the hash of `row`. */
  remove(row: number): void {
    const slot = this.#slotOfRow[row] ?? -1;
    if (slot < 0) {
      const hash = this.#oddOfRow.get(row);
      if (hash !== undefined) this.#odd.delete(hash);
      this.#oddOfRow.delete(row);
      return;
    }
    // A slot followed by an EMPTY one ends every probe chain through it: it can be EMPTY too.
    const free = this.#slots[((slot + 1) & this.#mask) * SLOT + ROW] === EMPTY;
    this.#slots[slot * SLOT + ROW] = free ? EMPTY : GONE;
    if (free) this.#used--;
    this.#slotOfRow[row] = -1;
  }

  /** The hash of `row`, as it was stored. */
  hashOf(row: number): string {
    const slot = this.#slotOfRow[row] ?? -1;
    if (slot < 0) return this.#oddOfRow.get(row) ?? '';
    return Buffer.from(this.#slots.buffer, slot * SLOT * 4, WORDS * 4).toString('base64url');
  }

  #find(w: Int32Array): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const w0 = w[0]!;
    // The hash is uniform: its first word picks the slot.
    for (let slot = w0 & mask; ; slot = (slot + 1) & mask) {
      const k = slot * SLOT;
      const row = slots[k + ROW]!;
      if (row === EMPTY) return -1;
      if (
        row !== GONE &&
        slots[k] === w0 &&
        slots[k + 1] === w[1] &&
        slots[k + 2] === w[2] &&
        slots[k + 3] === w[3] &&
        slots[k + 4] === w[4] &&
        slots[k + 5] === w[5] &&
        slots[k + 6] === w[6] &&
        slots[k + 7] === w[7]
      ) {
        return slot;
      }
    }
  }

  /** Puts the key in the first slot free for it and names `row` there; returns the slot. */
  #place(w: Int32Array, row: number): number {
    const mask = this.#mask;
    const slots = this.#slots;
    let slot = w[0]! & mask;
    while (slots[slot * SLOT + ROW]! >= 0) slot = (slot + 1) & mask;
    if (slots[slot * SLOT + ROW] === EMPTY) this.#used++;
    slots.set(w, slot * SLOT);
    slots[slot * SLOT + ROW] = row;
    this.#slotOfRow[row] = slot;
    return slot;
  }

  /**
   * Rehashes the live keys into a table at most a third full, dropping GONE slots. Called when the
   * table would be half full, so a probe stays short (about 1.5 slots for a hit at worst).
   */
  #rebuild(): void {
    const old = this.#slots;
    const capacityBefore = this.#mask + 1;
    let live = 0;
    for (let s = 0; s < capacityBefore; s++) if (old[s * SLOT + ROW]! >= 0) live++;
    let capacity = MIN_CAPACITY;
    while (capacity < (live + 1) * 3) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = emptySlots(capacity);
    this.#nums = new Float64Array(this.#slots.buffer);
    this.#used = 0;
    for (let s = 0; s < capacityBefore; s++) {
      const row = old[s * SLOT + ROW]!;
      if (row < 0) continue;
      const slot = this.#place(old.subarray(s * SLOT, s * SLOT + WORDS), row);
      this.#slots.set(old.subarray(s * SLOT + INTS, s * SLOT + SLOT), slot * SLOT + INTS);
    }
  }
}

function emptySlots(capacity: number): Int32Array<ArrayBuffer> {
  const slots = new Int32Array(capacity * SLOT);
  for (let s = 0; s < capacity; s++) slots[s * SLOT + ROW] = EMPTY;
  return slots;
}

/** The size `a` grows to so that index `min - 1` fits: doubled as often as needed. */
function grownLength(length: number, min: number): number {
  let n = Math.max(length, 16);
  while (n < min) n *= 2;
  return n;
}

/** A copy of `a` with room for at least `min` entries, the new ones set to `fill`. */
export function grownInt32(a: Int32Array, min: number, fill: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(grownLength(a.length, min));
  b.set(a);
  b.fill(fill, a.length);
  return b;
}

/** A copy of `a` with room for at least `min` entries, the new ones set to `fill`. */
export function grownFloat64(a: Float64Array, min: number, fill: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(grownLength(a.length, min));
  b.set(a);
  b.fill(fill, a.length);
  return b;
}
