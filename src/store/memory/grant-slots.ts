import type { GrantIdentity, GrantRecord } from '../records.js';
import { flat, type ScopeLists, type StringTable } from './interned.js';
import { RowBuffer } from './row-buffer.js';

/** Bits of a row's flags. */
const PRESENT = 1; // the grant is stored (a row may exist for tokens stored before their grant)
const INVALID = 2;
const VOCABULARY_V2 = 4;
const VOCABULARY_V3 = 8;
const HAS_IDENTITY = 16; // the record has an `identity` key (its value may be null)

/** A row: 32-bit words [flags, client, provider, scopes, first token, unused], then two doubles. */
const WORDS = 10;
const FLAGS = 0;
const CLIENT = 1;
const PROVIDER = 2;
const SCOPES = 3;
const FIRST_TOKEN = 4;
const CREATED = 3; // in doubles
const UPDATED = 4;
/** String fields per row. */
const STRS = 5; // id, email, name, settings, identity: one cache line per grant

/** A GrantRecord being built, before it is handed out. */
type Building = { -readonly [K in keyof GrantRecord]: GrantRecord[K] };

/**
 * The grants of a MemoryStore as rows of parallel arrays rather than an object per record: numbers
 * in typed arrays, the strings each grant has of its own (id, email, name, sealed settings) side
 * by side in one array, client id and provider as numbers of a shared table, the scopes as the
 * number of a shared list. A row exists per grant id that a grant or a token names (a token may be
 * stored before its grant), and it heads the chain of that grant's tokens, so a token finds its
 * grant by row number, with no lookup. Records are built on read; callers get fresh plain objects.
 */
export class GrantRows {
  readonly #byId = new Map<string, number>();
  readonly #clients: StringTable;
  readonly #providers: StringTable;
  readonly #scopes: ScopeLists;
  readonly #buf = new RowBuffer(WORDS);
  readonly #strs: (string | GrantIdentity | null)[] = [];
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
    this.#strs[s + 1] = this.#strs[s + 2] = this.#strs[s + 3] = this.#strs[s + 4] = null;
    this.#byId.set(id, row);
    return row;
  }

  isPresent(row: number): boolean {
    return (this.#buf.i32[row * WORDS + FLAGS]! & PRESENT) !== 0;
  }

  idOf(row: number): string {
    return text(this.#strs[row * STRS]);
  }

  /** The grant stored in the row, or null while the row only gathers tokens. */
  record(row: number): GrantRecord | null {
    const { i32: meta, f64 } = this.#buf;
    const m = row * WORDS;
    const flags = meta[m + FLAGS]!;
    if ((flags & PRESENT) === 0) return null;
    const s = row * STRS;
    const strs = this.#strs;
    const rec: Building = {
      id: text(strs[s]),
      clientId: this.#clients.value(meta[m + CLIENT]!),
      provider: this.#providers.value(meta[m + PROVIDER]!),
      email: text(strs[s + 1]),
      name: text(strs[s + 2]),
      scopes: this.#scopes.get(meta[m + SCOPES]!),
      status: (flags & INVALID) === 0 ? 'valid' : 'invalid',
      settings: textOrNull(strs[s + 3]),
      createdAt: f64[m / 2 + CREATED]!,
      updatedAt: f64[m / 2 + UPDATED]!,
    };
    if ((flags & VOCABULARY_V2) !== 0) rec.scopeVocabulary = 'v2';
    else if ((flags & VOCABULARY_V3) !== 0) rec.scopeVocabulary = 'v3';
    if ((flags & HAS_IDENTITY) !== 0) rec.identity = identityOrNull(strs[s + 4]);
    return rec;
  }

  /** Stores `grant` in its row, replacing what the row held. */
  write(row: number, grant: GrantRecord): void {
    const m = row * WORDS;
    const meta = this.#buf.i32;
    const scopes = this.#scopes.hold(grant.scopes);
    this.#scopes.release(meta[m + SCOPES]!);
    let flags = PRESENT;
    if (grant.status !== 'valid') flags |= INVALID;
    if (grant.scopeVocabulary === 'v2') flags |= VOCABULARY_V2;
    else if (grant.scopeVocabulary === 'v3') flags |= VOCABULARY_V3;
    if (grant.identity !== undefined) flags |= HAS_IDENTITY;
    meta[m + FLAGS] = flags;
    meta[m + CLIENT] = this.#clients.id(grant.clientId);
    meta[m + PROVIDER] = this.#providers.id(grant.provider);
    meta[m + SCOPES] = scopes;
    const s = row * STRS;
    this.#strs[s + 1] = flat(grant.email);
    this.#strs[s + 2] = flat(grant.name);
    this.#strs[s + 3] = flat(grant.settings);
    // Frozen: the identity object is handed out with every record built from this row.
    this.#strs[s + 4] = grant.identity ? Object.freeze({ ...grant.identity }) : null;
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
    this.#strs[s + 1] = this.#strs[s + 2] = this.#strs[s + 3] = this.#strs[s + 4] = null;
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
    this.#strs[row * STRS] = null;
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

function text(value: string | GrantIdentity | null | undefined): string {
  return typeof value === 'string' ? value : '';
}

function textOrNull(value: string | GrantIdentity | null | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function identityOrNull(value: string | GrantIdentity | null | undefined): GrantIdentity | null {
  return typeof value === 'object' ? value : null;
}
