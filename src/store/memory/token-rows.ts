import type { TokenKind, TokenRecord } from '../records.js';
import type { GrantRows } from './grant-slots.js';
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

type Building = { -readonly [K in keyof TokenRecord]: TokenRecord[K] };

/**
 * The tokens of a MemoryStore as rows: kind, grant row, client and scope list as numbers, the
 * times as doubles (all in two typed arrays), family and data (null for most access tokens) in two
 * plain arrays, and the hash as a fixed-width key (hash-keys.ts). Records are built on read.
 */
export class TokenRows {
  readonly #keys = new HashKeys();
  readonly #grants: GrantRows;
  readonly #clients: StringTable;
  readonly #scopes: ScopeLists;
  readonly #buf = new RowBuffer(WORDS);
  readonly #family: (string | null)[] = [];
  readonly #data: (string | null)[] = [];
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
    const row = this.#free.pop() ?? this.#top++;
    this.#buf.ensure(row);
    const { i32, f64 } = this.#buf;
    const m = row * WORDS;
    const kind = kindNumber(token.kind);
    i32[m + KIND] = kind;
    i32[m + GRANT] = grantRow;
    i32[m + CLIENT] = this.#clients.id(token.clientId);
    i32[m + SCOPES] = token.scopes === undefined ? NO_SCOPES : token.scopes === null ? NULL_SCOPES : this.#scopes.hold(token.scopes);
    const d = m / 2;
    f64[d + CREATED] = token.createdAt;
    f64[d + EXPIRES] = token.expiresAt ?? NaN;
    f64[d + CONSUMED] = NaN;
    this.#family[row] = flat(token.family);
    this.#data[row] = flat(token.data);
    this.#keys.add(token.hash, row, grantRow, kind, token.expiresAt ?? NaN);
    return row;
  }

  /** Frees the row; the caller has taken it off its chains. */
  drop(row: number): void {
    this.#keys.remove(row);
    this.#scopes.release(this.#buf.i32[row * WORDS + SCOPES]!);
    this.#buf.i32[row * WORDS + KIND] = FREE;
    this.#family[row] = this.#data[row] = null;
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
    return this.#family[row] ?? null;
  }

  hashOf(row: number): string {
    return this.#keys.hashOf(row);
  }

  /** The index of the hashes, whose slots hold what a resolution tests first. */
  get keys(): HashKeys {
    return this.#keys;
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
      family: this.#family[row] ?? null,
      createdAt: f64[d + CREATED]!,
      expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
      data: this.#data[row] ?? null,
    };
    const scopes = i32[m + SCOPES]!;
    if (scopes !== NO_SCOPES) rec.scopes = scopes === NULL_SCOPES ? null : this.#scopes.get(scopes);
    return rec;
  }
}
