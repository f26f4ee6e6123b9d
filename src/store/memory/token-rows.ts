import type { TokenKind, TokenRecord } from '../records.js';
import type { GrantRows } from './grant-slots.js';
import { grownFloat64, grownInt32, HashKeys } from './hash-keys.js';
import type { ScopeLists, StringTable } from './interned.js';

const KINDS: readonly TokenKind[] = ['access', 'refresh', 'code', 'flow', 'api_key'];
export const ACCESS = 0;
export const API_KEY = 4;
/** The number of a kind, as rows hold it. */
export function kindNumber(kind: TokenKind): number {
  return KINDS.indexOf(kind);
}

/** The kind of a row that holds no token. */
const FREE = -1;

/** Int32 fields per row. */
const META = 4;
const KIND = 0;
const GRANT = 1; // the grant's row, or -1 for a token of no grant
const CLIENT = 2;
const SCOPES = 3; // a scope list's number; NO_SCOPES (the key absent) or NULL_SCOPES (null)
const NO_SCOPES = -1;
const NULL_SCOPES = -2;
/** Float64 fields per row; NaN stands for null. */
const TIMES = 3;
const CREATED = 0;
const EXPIRES = 1;
const CONSUMED = 2;

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
  #meta = new Int32Array(0);
  #times = new Float64Array(0);
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
    if ((row + 1) * META > this.#meta.length) this.#meta = grownInt32(this.#meta, (row + 1) * META, FREE);
    if ((row + 1) * TIMES > this.#times.length) this.#times = grownFloat64(this.#times, (row + 1) * TIMES, NaN);
    const m = row * META;
    this.#meta[m + KIND] = kindNumber(token.kind);
    this.#meta[m + GRANT] = grantRow;
    this.#meta[m + CLIENT] = this.#clients.id(token.clientId);
    this.#meta[m + SCOPES] = token.scopes === undefined ? NO_SCOPES : token.scopes === null ? NULL_SCOPES : this.#scopes.hold(token.scopes);
    const t = row * TIMES;
    this.#times[t + CREATED] = token.createdAt;
    this.#times[t + EXPIRES] = token.expiresAt ?? NaN;
    this.#times[t + CONSUMED] = NaN;
    this.#family[row] = token.family;
    this.#data[row] = token.data;
    this.#keys.add(token.hash, row);
    return row;
  }

  /** Frees the row; the caller has taken it off its chains. */
  drop(row: number): void {
    this.#keys.remove(row);
    this.#scopes.release(this.#meta[row * META + SCOPES]!);
    this.#meta[row * META + KIND] = FREE;
    this.#family[row] = this.#data[row] = null;
    this.#free.push(row);
  }

  /** How many rows there are, free ones included: rows are numbered below it. */
  get size(): number {
    return this.#top;
  }

  /** The kind's index in KINDS (ACCESS, API_KEY, …), or -1 for a free row. */
  kindOf(row: number): number {
    return this.#meta[row * META + KIND]!;
  }

  grantRowOf(row: number): number {
    return this.#meta[row * META + GRANT]!;
  }

  clientOf(row: number): number {
    return this.#meta[row * META + CLIENT]!;
  }

  /** NaN: no expiry. */
  expiresAt(row: number): number {
    return this.#times[row * TIMES + EXPIRES]!;
  }

  isConsumed(row: number): boolean {
    return !Number.isNaN(this.#times[row * TIMES + CONSUMED]!);
  }

  consumedAt(row: number): number | null {
    const at = this.#times[row * TIMES + CONSUMED]!;
    return Number.isNaN(at) ? null : at;
  }

  setConsumed(row: number, now: number): void {
    this.#times[row * TIMES + CONSUMED] = now;
  }

  familyOf(row: number): string | null {
    return this.#family[row] ?? null;
  }

  hashOf(row: number): string {
    return this.#keys.hashOf(row);
  }

  /** The token in the row, as a fresh record; `hash` saves re-encoding the key when the caller has it. */
  record(row: number, hash: string = this.#keys.hashOf(row)): TokenRecord {
    const m = row * META;
    const t = row * TIMES;
    const meta = this.#meta;
    const grantRow = meta[m + GRANT]!;
    const expiresAt = this.#times[t + EXPIRES]!;
    const rec: Building = {
      hash,
      kind: KINDS[meta[m + KIND]!] ?? 'access',
      clientId: this.#clients.value(meta[m + CLIENT]!),
      grantId: grantRow < 0 ? null : this.#grants.idOf(grantRow),
      family: this.#family[row] ?? null,
      createdAt: this.#times[t + CREATED]!,
      expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
      data: this.#data[row] ?? null,
    };
    const scopes = meta[m + SCOPES]!;
    if (scopes !== NO_SCOPES) rec.scopes = scopes === NULL_SCOPES ? null : this.#scopes.get(scopes);
    return rec;
  }
}
