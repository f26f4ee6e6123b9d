import type { GrantIdentity, GrantRecord } from '../records.js';
import { flat, type ScopeLists, type StringTable } from './interned.js';
import { RowBuffer } from './row-buffer.js';

/** Bits of a row's flags word; the provider's number fills the bits above them. */
const PRESENT = 1; // the grant is stored (a row may exist for tokens stored before their grant)
const INVALID = 2;
const VOCABULARY_V2 = 4;
const VOCABULARY_V3 = 8;
const HAS_IDENTITY = 16; // the record has an `identity` key (its value may be null)
const HAS_SETTINGS = 32; // settings is a string, not null
const PROVIDER_SHIFT = 8;
/** Providers a store can tell apart: the flags word keeps 23 bits for the provider's number. */
const MAX_PROVIDERS = 1 << (31 - PROVIDER_SHIFT);

/**
 * A row: 32-bit words [flags and provider, client, scopes, first token], then two doubles: 32
 * bytes. The token index keeps an image of these words beside each token's key (copyTo()), so a
 * resolution reads its grant there (the first-token word comes along and is never read there).
 */
export const GRANT_WORDS = 8;
const WORDS = GRANT_WORDS;
const FLAGS = 0;
const CLIENT = 1;
const SCOPES = 2;
const FIRST_TOKEN = 3;
const CREATED = 2; // in doubles
const UPDATED = 3;
/** String fields per row: id, email, name, sealed settings ('' when null). */
export const GRANT_STRINGS = 4;
const STRS = GRANT_STRINGS;

/** A GrantRecord being built, before it is handed out. */
type Building = { -readonly [K in keyof GrantRecord]: GrantRecord[K] };

/**
 * The grants of a MemoryStore as rows of parallel arrays rather than an object per record: numbers
 * in typed arrays, the strings each grant has of its own (id, email, name, sealed settings) side
 * by side in one array of strings only, client id and provider as numbers of a shared table, the
 * scopes as the number of a shared list. A row exists per grant id that a grant or a token names
 * (a token may be stored before its grant), and it heads the chain of that grant's tokens, so a
 * token finds its grant by row number, with no lookup. Records are built on read; callers get
 * fresh plain objects.
 */
export class GrantRows {
  readonly #byId = new Map<string, number>();
  readonly #clients: StringTable;
  readonly #providers: StringTable;
  readonly #scopes: ScopeLists;
  readonly #buf = new RowBuffer(WORDS);
  /**
   * Strings only, '' standing for a null: building a record then copies references without
   * looking at the strings. Telling a string from null or an object by `typeof` would read each
   * string's header, one cache miss per field in a store of a million grants.
   */
  readonly #strs: string[] = [];
  /** Per row, its identity when the record has one; frozen, as it is handed out with every record. */
  readonly #identities: (GrantIdentity | null)[] = [];
  readonly #free: number[] = [];
  #top = 0;

  constructor(clients: StringTable, providers: StringTable, scopes: ScopeLists) {
    this.#clients = clients;
    this.#providers = providers;
    this.#scopes = scopes;
  }

  /** The row of that grant id, or -1. */
  rowOf(id: string): number {
    return this.#byId.get(id) ?? -1;
  }

  /** The row of that id, made empty when there is none: a token may be stored before its grant. */
  slot(id: string): number {
    const known = this.#byId.get(id);
    if (known !== undefined) return known;
    const row = this.#free.pop() ?? this.#top++;
    this.#buf.ensure(row);
    const m = row * WORDS;
    this.#buf.i32.fill(0, m, m + WORDS);
    this.#buf.i32[m + SCOPES] = -1;
    this.#buf.i32[m + FIRST_TOKEN] = -1;
    const s = row * STRS;
    this.#strs[s] = flat(id);
    this.#strs[s + 1] = this.#strs[s + 2] = this.#strs[s + 3] = '';
    this.#identities[row] = null;
    this.#byId.set(id, row);
    return row;
  }

  isPresent(row: number): boolean {
    return (this.#buf.i32[row * WORDS + FLAGS]! & PRESENT) !== 0;
  }

  idOf(row: number): string {
    return this.#strs[row * STRS] ?? '';
  }

  /** The grant stored in the row, or null while the row only gathers tokens. */
  record(row: number): GrantRecord | null {
    return this.recordFrom(this.#buf.i32, this.#buf.f64, row * WORDS, this.#strs, row * STRS, this.#identities, row);
  }

  /**
   * The grant of a row's image: the row itself (record()), or the copy a token's slot keeps
   * (copyTo()). `m` is where the image's words start in `meta` (even: the doubles are read from
   * `f64` over the same memory), `s` where its strings start in `strs`, `i` where its identity is
   * in `identities` (read only when the record has one: most have none, and the read would be one
   * more cache miss).
   */
  recordFrom(
    meta: Int32Array,
    f64: Float64Array,
    m: number,
    strs: readonly string[],
    s: number,
    identities: readonly (GrantIdentity | null)[],
    i: number,
  ): GrantRecord | null {
    const flags = meta[m + FLAGS]!;
    if ((flags & PRESENT) === 0) return null;
    const rec: Building = {
      id: strs[s] ?? '',
      clientId: this.#clients.value(meta[m + CLIENT]!),
      provider: this.#providers.value(flags >>> PROVIDER_SHIFT),
      email: strs[s + 1] ?? '',
      name: strs[s + 2] ?? '',
      scopes: this.#scopes.get(meta[m + SCOPES]!),
      status: (flags & INVALID) === 0 ? 'valid' : 'invalid',
      settings: (flags & HAS_SETTINGS) === 0 ? null : (strs[s + 3] ?? null),
      createdAt: f64[m / 2 + CREATED]!,
      updatedAt: f64[m / 2 + UPDATED]!,
    };
    if ((flags & VOCABULARY_V2) !== 0) rec.scopeVocabulary = 'v2';
    else if ((flags & VOCABULARY_V3) !== 0) rec.scopeVocabulary = 'v3';
    if ((flags & HAS_IDENTITY) !== 0) rec.identity = identities[i] ?? null;
    return rec;
  }

  /**
   * Copies the row's image (its words, then its strings) to `meta` from word `m` and to `strs`
   * from index `s`, in the layout recordFrom() reads; returns the row's identity, which the caller
   * keeps beside them.
   */
  copyTo(row: number, meta: Int32Array, m: number, strs: string[], s: number): GrantIdentity | null {
    meta.set(this.#buf.i32.subarray(row * WORDS, (row + 1) * WORDS), m);
    for (let i = 0; i < STRS; i++) strs[s + i] = this.#strs[row * STRS + i] ?? '';
    return this.#identities[row] ?? null;
  }

  /** Stores `grant` in its row, replacing what the row held. */
  write(row: number, grant: GrantRecord): void {
    const m = row * WORDS;
    const meta = this.#buf.i32;
    const provider = this.#providers.id(grant.provider);
    if (provider >= MAX_PROVIDERS) throw new Error(`a memory store tells apart at most ${MAX_PROVIDERS} providers`);
    const scopes = this.#scopes.hold(grant.scopes);
    this.#scopes.release(meta[m + SCOPES]!);
    let flags = PRESENT | (provider << PROVIDER_SHIFT);
    if (grant.status !== 'valid') flags |= INVALID;
    if (grant.scopeVocabulary === 'v2') flags |= VOCABULARY_V2;
    else if (grant.scopeVocabulary === 'v3') flags |= VOCABULARY_V3;
    if (grant.identity !== undefined) flags |= HAS_IDENTITY;
    if (grant.settings !== null) flags |= HAS_SETTINGS;
    meta[m + FLAGS] = flags;
    meta[m + CLIENT] = this.#clients.id(grant.clientId);
    meta[m + SCOPES] = scopes;
    const s = row * STRS;
    this.#strs[s + 1] = flat(grant.email);
    this.#strs[s + 2] = flat(grant.name);
    this.#strs[s + 3] = grant.settings === null ? '' : flat(grant.settings);
    // Frozen: the identity object is handed out with every record built from this row.
    this.#identities[row] = grant.identity ? Object.freeze({ ...grant.identity }) : null;
    this.#buf.f64[m / 2 + CREATED] = grant.createdAt;
    this.#buf.f64[m / 2 + UPDATED] = grant.updatedAt;
  }

  /** Empties the row of its grant; the row stays while tokens name it. */
  clear(row: number): void {
    const m = row * WORDS;
    const meta = this.#buf.i32;
    this.#scopes.release(meta[m + SCOPES]!);
    meta[m + SCOPES] = -1;
    meta[m + FLAGS] = 0;
    const s = row * STRS;
    this.#strs[s + 1] = this.#strs[s + 2] = this.#strs[s + 3] = '';
    this.#identities[row] = null;
    this.releaseIfUnused(row);
  }

  firstToken(row: number): number {
    return this.#buf.i32[row * WORDS + FIRST_TOKEN]!;
  }

  setFirstToken(row: number, token: number): void {
    this.#buf.i32[row * WORDS + FIRST_TOKEN] = token;
  }

  /** Frees a row that holds no grant and that no token names any longer. */
  releaseIfUnused(row: number): void {
    if (this.isPresent(row) || this.firstToken(row) !== -1) return;
    this.#byId.delete(this.idOf(row));
    this.#strs[row * STRS] = '';
    this.#free.push(row);
  }

  /** The grants held, in the order their rows were made. */
  records(): GrantRecord[] {
    const all: GrantRecord[] = [];
    for (const row of this.#byId.values()) {
      const record = this.record(row);
      if (record) all.push(record);
    }
    return all;
  }
}
