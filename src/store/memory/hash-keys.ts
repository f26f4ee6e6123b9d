/**
 * The token hashes of a MemoryStore, as fixed-width keys: a SHA-256 in base64url (43 characters,
 * what hashSecret() makes) is kept as its 32 bytes in one typed array, in an open-addressing table
 * with linear probing. A lookup decodes the hash into a scratch buffer and reads one slot (its key
 * and, beside it, the row it names and what its owner keeps there), however many tokens there
 * are; no string per token is kept.
 *
 * Any other string (a store may be handed hashes of its own making) goes to a plain Map, so every
 * hash the Store interface accepts works; only the canonical ones are compact.
 */

import { decode } from './hash-bytes.js';
import { grownInt32 } from './row-buffer.js';

const WORDS = 8; // 32 bytes per key
const EMPTY = -1;
const GONE = -2; // a deleted slot: lookups probe past it, inserts may reuse it
const MIN_CAPACITY = 1024;

/** Words of a slot before what its owner keeps there: the key (8), then the row (1). */
const ROW = 8;
const PAYLOAD = 9;

/** What the owner of a table keeps beside each key. */
export interface SlotLayout {
  /** 32-bit integers, read with int(). */
  readonly ints: number;
  /** Doubles, read with num(), after the integers. */
  readonly doubles: number;
  /** Strings, in a plain array beside the table (a typed array cannot hold them). */
  readonly strings: number;
}

/**
 * The token index of a MemoryStore: hash → row, and beside each key what its owner reads with it
 * (token-rows.ts keeps there everything a resolution reads, of the token and a copy of its grant).
 * Key, row and numbers share one slot of consecutive words, and the slot's strings and object sit
 * at the same index in arrays beside the table, so a resolution's reads all depend on the slot's
 * number alone: they go out to memory together, rather than one after another (a slot, then a row
 * elsewhere that the slot names), which is what keeps a lookup in a million entries close to one
 * in a thousand.
 */
export class HashKeys<O extends object> {
  /** 32-bit words per slot: key, row, the integers, then the doubles at an even word. */
  readonly #slot: number;
  readonly #strsPerSlot: number;
  #mask = MIN_CAPACITY - 1;
  #slots: Int32Array<ArrayBuffer>;
  #nums: Float64Array<ArrayBuffer>;
  #strs: string[];
  #objects: (O | null)[];
  /** Where the doubles start in a slot, in doubles. */
  readonly #numsAt: number;
  /** Per row: its slot, or -1 when its hash is kept in `#odd`. */
  #slotOfRow = new Int32Array(MIN_CAPACITY).fill(-1);
  /** Slots not EMPTY (live and GONE): the table grows or is rebuilt before it is half full. */
  #used = 0;
  readonly #bytes = new Uint8Array(WORDS * 4);
  readonly #words = new Int32Array(this.#bytes.buffer);
  /** Hashes that are not canonical SHA-256 base64url, both ways. */
  readonly #odd = new Map<string, number>();
  readonly #oddOfRow = new Map<number, string>();
  /** The string slotOf() read early (see there), kept so that the read is not optimised away; nothing uses it. */
  early: string | undefined;

  constructor(layout: SlotLayout) {
    const intsEnd = PAYLOAD + layout.ints + ((PAYLOAD + layout.ints) % 2);
    this.#numsAt = intsEnd / 2;
    this.#slot = intsEnd + layout.doubles * 2;
    this.#strsPerSlot = layout.strings;
    this.#slots = this.#emptySlots(MIN_CAPACITY);
    this.#nums = new Float64Array(this.#slots.buffer);
    this.#strs = new Array<string>(MIN_CAPACITY * this.#strsPerSlot).fill('');
    this.#objects = new Array<O | null>(MIN_CAPACITY).fill(null);
  }

  /** The row stored under `hash`, or -1. */
  lookup(hash: string): number {
    if (!decode(hash, this.#bytes)) return this.#odd.get(hash) ?? -1;
    const slot = this.#find(this.#words);
    return slot < 0 ? -1 : this.#slots[slot * this.#slot + ROW]!;
  }

  /**
   * The slot of `hash` for the accessors below, or -1. A hash kept in the plain Map answers -1:
   * the caller falls back to lookup() and the token's row.
   */
  slotOf(hash: string): number {
    if (!decode(hash, this.#bytes)) return -1;
    // The strings of the slot the key most likely sits in (its home slot), read before the slot
    // itself: the two reads then go out to memory together. Read after the probe, the strings
    // would wait for the slot's cache miss to end first.
    this.early = this.#strs[(this.#words[0]! & this.#mask) * this.#strsPerSlot];
    return this.#find(this.#words);
  }

  /** The slot of a row, or -1 when its hash is kept in the plain Map. */
  slotOfRow(row: number): number {
    return this.#slotOfRow[row] ?? -1;
  }

  rowAt(slot: number): number {
    return this.#slots[slot * this.#slot + ROW]!;
  }

  /** The `i`th integer kept beside the key. */
  int(slot: number, i: number): number {
    return this.#slots[slot * this.#slot + PAYLOAD + i]!;
  }

  setInt(slot: number, i: number, value: number): void {
    this.#slots[slot * this.#slot + PAYLOAD + i] = value;
  }

  /** The `i`th double kept beside the key. */
  num(slot: number, i: number): number {
    return this.#nums[(slot * this.#slot) / 2 + this.#numsAt + i]!;
  }

  setNum(slot: number, i: number, value: number): void {
    this.#nums[(slot * this.#slot) / 2 + this.#numsAt + i] = value;
  }

  /**
   * The table's words and strings as they are now, with where a slot's integers and strings start
   * in them, for an owner that copies a whole record's numbers in and out (a rebuild replaces the
   * arrays: use them at once).
   */
  get words(): Int32Array<ArrayBuffer> {
    return this.#slots;
  }

  get doubles(): Float64Array<ArrayBuffer> {
    return this.#nums;
  }

  get strings(): string[] {
    return this.#strs;
  }

  /** Where the `i`th integer of a slot is in `words`. */
  intIndex(slot: number, i: number): number {
    return slot * this.#slot + PAYLOAD + i;
  }

  /** Where the first string of a slot is in `strings`. */
  strIndex(slot: number): number {
    return slot * this.#strsPerSlot;
  }

  /** The objects kept beside the keys, one per slot, as they are now (see `words`). */
  get objects(): readonly (O | null)[] {
    return this.#objects;
  }

  setObject(slot: number, value: O | null): void {
    this.#objects[slot] = value;
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
    const free = this.#slots[((slot + 1) & this.#mask) * this.#slot + ROW] === EMPTY;
    this.#slots[slot * this.#slot + ROW] = free ? EMPTY : GONE;
    if (free) this.#used--;
    // What the slot referred to may be collected.
    this.#strs.fill('', slot * this.#strsPerSlot, (slot + 1) * this.#strsPerSlot);
    this.#objects[slot] = null;
    this.#slotOfRow[row] = -1;
  }

  /** The hash of `row`, as it was stored. */
  hashOf(row: number): string {
    const slot = this.#slotOfRow[row] ?? -1;
    if (slot < 0) return this.#oddOfRow.get(row) ?? '';
    return Buffer.from(this.#slots.buffer, slot * this.#slot * 4, WORDS * 4).toString('base64url');
  }

  #find(w: Int32Array): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const size = this.#slot;
    const w0 = w[0]!;
    // The hash is uniform: its first word picks the slot.
    for (let slot = w0 & mask; ; slot = (slot + 1) & mask) {
      const k = slot * size;
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
    const size = this.#slot;
    let slot = w[0]! & mask;
    while (slots[slot * size + ROW]! >= 0) slot = (slot + 1) & mask;
    if (slots[slot * size + ROW] === EMPTY) this.#used++;
    slots.set(w, slot * size);
    slots[slot * size + ROW] = row;
    this.#slotOfRow[row] = slot;
    return slot;
  }

  /**
   * Rehashes the live keys, with what is kept beside them, into a table at most half full,
   * dropping GONE slots. Called when the table would be half full, so a probe stays short.
   */
  #rebuild(): void {
    const old = this.#slots;
    const oldStrs = this.#strs;
    const oldObjects = this.#objects;
    const size = this.#slot;
    const per = this.#strsPerSlot;
    const capacityBefore = this.#mask + 1;
    let live = 0;
    for (let s = 0; s < capacityBefore; s++) if (old[s * size + ROW]! >= 0) live++;
    let capacity = MIN_CAPACITY;
    while (capacity < (live + 1) * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = this.#emptySlots(capacity);
    this.#nums = new Float64Array(this.#slots.buffer);
    this.#strs = new Array<string>(capacity * per).fill('');
    this.#objects = new Array<O | null>(capacity).fill(null);
    this.#used = 0;
    for (let s = 0; s < capacityBefore; s++) {
      const row = old[s * size + ROW]!;
      if (row < 0) continue;
      const slot = this.#place(old.subarray(s * size, s * size + WORDS), row);
      this.#slots.set(old.subarray(s * size + PAYLOAD, (s + 1) * size), slot * size + PAYLOAD);
      for (let i = 0; i < per; i++) this.#strs[slot * per + i] = oldStrs[s * per + i] ?? '';
      this.#objects[slot] = oldObjects[s] ?? null;
    }
  }

  #emptySlots(capacity: number): Int32Array<ArrayBuffer> {
    const slots = new Int32Array(capacity * this.#slot);
    for (let s = 0; s < capacity; s++) slots[s * this.#slot + ROW] = EMPTY;
    return slots;
  }
}
