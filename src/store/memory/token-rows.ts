import type { GrantIdentity, GrantRecord, TokenKind, TokenRecord } from '../records.js';
import { GRANT_STRINGS, GRANT_WORDS, type GrantRows } from './grant-slots.js';
import { HashKeys } from './hash-keys.js';
import { flat, type ScopeLists, type StringTable } from './interned.js';
import { RowBuffer } from './row-buffer.js';

const KINDS: readonly TokenKind[] = ['access', 'refresh', 'code', 'flow', 'api_key'];
export const ACCESS = 0;
export const API_KEY = 4;
/** The number of a kind, as rows hold it. */
export function kindNumber(kind: TokenKind): number {
  return KINDS.indexOf(kind);
}

/** The kind of a row that holds no token. */
const FREE = -1;

/** A row: 32-bit words [kind, grant row (-1: none), client, scopes], then three doubles (NaN: null). */
const WORDS = 10;
const KIND = 0;
const GRANT = 1;
const CLIENT = 2;
const SCOPES = 3; // a scope list's number; NO_SCOPES (the key absent) or NULL_SCOPES (null)
const NO_SCOPES = -1;
const NULL_SCOPES = -2;
const CREATED = 2; // in doubles
const EXPIRES = 3;
const CONSUMED = 4;

/**
 * What the token index keeps beside each key (hash-keys.ts): the token's grant row, traits and
 * scopes, then an image of its grant's row (grant-slots.ts: four integers and two doubles, in the
 * row's own layout), then the token's expiry and creation. With the grant's strings and identity
 * beside the slot as well, 96 bytes and one index into each of three arrays hold all a resolution
 * reads.
 */
const LAYOUT = { ints: 3 + GRANT_WORDS / 2, doubles: GRANT_WORDS / 4 + 2, strings: GRANT_STRINGS } as const;
const S_GRANT = 0;
const S_TRAITS = 1; // the kind (3 bits), which of family and data the row holds (2 bits), then the client
const S_SCOPES = 2;
const KIND_BITS = 7;
const HAS_FAMILY = 8;
const HAS_DATA = 16;
const CLIENT_SHIFT = 5;
/** Clients a store can tell apart: the traits word keeps 26 bits for the client's number. */
const MAX_CLIENTS = 1 << (31 - CLIENT_SHIFT);
/** Where the grant's image starts, as the index of an integer. */
const S_GRANT_IMAGE = 3;
const S_EXPIRES = GRANT_WORDS / 4; // doubles after the image's two
const S_CREATED = S_EXPIRES + 1;

type Building = { -readonly [K in keyof TokenRecord]: TokenRecord[K] };

/**
 * The tokens of a MemoryStore as rows: kind, grant row, client and scope list as numbers and the
 * times as doubles, in one buffer; family and data (null for most access tokens) side by side in a
 * plain array; the hash as a fixed-width key (hash-keys.ts), whose slot repeats what a resolution
 * reads, so a resolution never reads the row: of the token, what never changes while it is stored;
 * of its grant, a copy that MemoryTokens refreshes whenever the grant is written (refreshGrant()).
 * Records are built on read.
 */
export class TokenRows {
  readonly #keys = new HashKeys<GrantIdentity>(LAYOUT);
  readonly #grants: GrantRows;
  readonly #clients: StringTable;
  readonly #scopes: ScopeLists;
  readonly #buf = new RowBuffer(WORDS);
  /** Per row, side by side: family and data, null for most access tokens. */
  readonly #strs: (string | null)[] = [];
  readonly #free: number[] = [];
  #top = 0;

  constructor(grants: GrantRows, clients: StringTable, scopes: ScopeLists) {
    this.#grants = grants;
    this.#clients = clients;
    this.#scopes = scopes;
  }

  /** The row of the token with that hash, or -1. */
  lookup(hash: string): number {
    return this.#keys.lookup(hash);
  }

  /** Stores a token whose hash is not stored yet; `grantRow` is its grant's row (-1: none). */
  add(token: TokenRecord, grantRow: number): number {
    const client = this.#clients.id(token.clientId);
    if (client >= MAX_CLIENTS) throw new Error(`a memory store tells apart at most ${MAX_CLIENTS} client ids`);
    const row = this.#free.pop() ?? this.#top++;
    this.#buf.ensure(row);
    const { i32, f64 } = this.#buf;
    const m = row * WORDS;
    const kind = kindNumber(token.kind);
    i32[m + KIND] = kind;
    i32[m + GRANT] = grantRow;
    i32[m + CLIENT] = client;
    i32[m + SCOPES] = token.scopes === undefined ? NO_SCOPES : token.scopes === null ? NULL_SCOPES : this.#scopes.hold(token.scopes);
    const d = m / 2;
    f64[d + CREATED] = token.createdAt;
    f64[d + EXPIRES] = token.expiresAt ?? NaN;
    f64[d + CONSUMED] = NaN;
    this.#strs[row * 2] = flat(token.family);
    this.#strs[row * 2 + 1] = flat(token.data);
    const slot = this.#keys.add(token.hash, row);
    if (slot >= 0) {
      // What a resolution needs, beside the key; of the token, none of it changes while it is stored.
      const keys = this.#keys;
      const strings = (token.family === null ? 0 : HAS_FAMILY) | (token.data === null ? 0 : HAS_DATA);
      keys.setInt(slot, S_GRANT, grantRow);
      keys.setInt(slot, S_TRAITS, kind | strings | (client << CLIENT_SHIFT));
      keys.setInt(slot, S_SCOPES, i32[m + SCOPES]!);
      keys.setNum(slot, S_EXPIRES, token.expiresAt ?? NaN);
      keys.setNum(slot, S_CREATED, token.createdAt);
      this.#copyGrant(slot, grantRow);
    }
    return row;
  }

  /** Copies the token's grant, as its row holds it now, beside the token's key: call it whenever the grant is written. */
  refreshGrant(row: number): void {
    const slot = this.#keys.slotOfRow(row);
    if (slot >= 0) this.#copyGrant(slot, this.grantRowOf(row));
  }

  #copyGrant(slot: number, grantRow: number): void {
    const keys = this.#keys;
    const at = keys.intIndex(slot, S_GRANT_IMAGE);
    if (grantRow < 0) {
      // No grant: flags 0 read as "not stored"; the strings stay ''.
      keys.words.fill(0, at, at + GRANT_WORDS);
      return;
    }
    keys.setObject(slot, this.#grants.copyTo(grantRow, keys.words, at, keys.strings, keys.strIndex(slot)));
  }

  /** The token's grant as the copy beside its key holds it (null when the grant is not stored). */
  grantAt(slot: number): GrantRecord | null {
    const keys = this.#keys;
    return this.#grants.recordFrom(keys.words, keys.doubles, keys.intIndex(slot, S_GRANT_IMAGE), keys.strings, keys.strIndex(slot), keys.objects, slot);
  }

  /** Frees the row; the caller has taken it off its chains. */
  drop(row: number): void {
    this.#keys.remove(row);
    this.#scopes.release(this.#buf.i32[row * WORDS + SCOPES]!);
    this.#buf.i32[row * WORDS + KIND] = FREE;
    this.#strs[row * 2] = this.#strs[row * 2 + 1] = null;
    this.#free.push(row);
  }

  /** How many rows there are, free ones included: rows are numbered below it. */
  get size(): number {
    return this.#top;
  }

  /** The kind's index in KINDS (ACCESS, API_KEY, …), or -1 for a free row. */
  kindOf(row: number): number {
    return this.#top > row ? this.#buf.i32[row * WORDS + KIND]! : FREE;
  }

  grantRowOf(row: number): number {
    return this.#buf.i32[row * WORDS + GRANT]!;
  }

  clientOf(row: number): number {
    return this.#buf.i32[row * WORDS + CLIENT]!;
  }

  /** NaN: no expiry. */
  expiresAt(row: number): number {
    return this.#buf.f64[(row * WORDS) / 2 + EXPIRES]!;
  }

  isConsumed(row: number): boolean {
    return !Number.isNaN(this.#buf.f64[(row * WORDS) / 2 + CONSUMED]!);
  }

  consumedAt(row: number): number | null {
    const at = this.#buf.f64[(row * WORDS) / 2 + CONSUMED]!;
    return Number.isNaN(at) ? null : at;
  }

  setConsumed(row: number, now: number): void {
    this.#buf.f64[(row * WORDS) / 2 + CONSUMED] = now;
  }

  familyOf(row: number): string | null {
    return this.#strs[row * 2] ?? null;
  }

  hashOf(row: number): string {
    return this.#keys.hashOf(row);
  }

  /**
   * The slot of a canonical hash in the token index, or -1 (unknown, or a hash kept in the index's
   * Map: lookup() finds those). The slot holds everything a resolution reads of the token.
   */
  slotOf(hash: string): number {
    return this.#keys.slotOf(hash);
  }

  rowAt(slot: number): number {
    return this.#keys.rowAt(slot);
  }

  kindAt(slot: number): number {
    return this.#keys.int(slot, S_TRAITS) & KIND_BITS;
  }

  grantRowAt(slot: number): number {
    return this.#keys.int(slot, S_GRANT);
  }

  /** NaN: no expiry. */
  expiresAtSlot(slot: number): number {
    return this.#keys.num(slot, S_EXPIRES);
  }

  /** The token of a slot, built from the slot alone, unless it has a family or data (then from its row's strings too). */
  recordAt(slot: number, hash: string): TokenRecord {
    const keys = this.#keys;
    const grantRow = keys.int(slot, S_GRANT);
    const traits = keys.int(slot, S_TRAITS);
    const row = keys.rowAt(slot);
    const expiresAt = keys.num(slot, S_EXPIRES);
    const rec: Building = {
      hash,
      kind: KINDS[traits & KIND_BITS] ?? 'access',
      clientId: this.#clients.value(traits >>> CLIENT_SHIFT),
      // The grant's id, from the copy beside the key (its first string), so the grant's row is not read.
      grantId: grantRow < 0 ? null : (keys.strings[keys.strIndex(slot)] ?? ''),
      family: (traits & HAS_FAMILY) === 0 ? null : (this.#strs[row * 2] ?? null),
      createdAt: keys.num(slot, S_CREATED),
      expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
      data: (traits & HAS_DATA) === 0 ? null : (this.#strs[row * 2 + 1] ?? null),
    };
    const scopes = keys.int(slot, S_SCOPES);
    if (scopes !== NO_SCOPES) rec.scopes = scopes === NULL_SCOPES ? null : this.#scopes.get(scopes);
    return rec;
  }

  /** The token in the row, as a fresh record; `hash` saves re-encoding the key when the caller has it. */
  record(row: number, hash: string = this.#keys.hashOf(row)): TokenRecord {
    const { i32, f64 } = this.#buf;
    const m = row * WORDS;
    const d = m / 2;
    const grantRow = i32[m + GRANT]!;
    const expiresAt = f64[d + EXPIRES]!;
    const rec: Building = {
      hash,
      kind: KINDS[i32[m + KIND]!] ?? 'access',
      clientId: this.#clients.value(i32[m + CLIENT]!),
      grantId: grantRow < 0 ? null : this.#grants.idOf(grantRow),
      family: this.#strs[row * 2] ?? null,
      createdAt: f64[d + CREATED]!,
      expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
      data: this.#strs[row * 2 + 1] ?? null,
    };
    const scopes = i32[m + SCOPES]!;
    if (scopes !== NO_SCOPES) rec.scopes = scopes === NULL_SCOPES ? null : this.#scopes.get(scopes);
    return rec;
  }
}
