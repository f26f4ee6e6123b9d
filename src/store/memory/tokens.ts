import type { Consumed, Invalidation, Resolved, TokenFilter, TokenRecord } from '../records.js';
import type { KnowingTokenPart } from '../store-of-parts.js';
import type { GrantRows } from './grant-slots.js';
import { BY_FAMILY, BY_GRANT, type ChainKind, TokenChains } from './index-sets.js';
import type { StringTable } from './interned.js';
import { MemoryRevocations } from './revocations.js';
import { ACCESS, API_KEY, kindNumber, type TokenRows } from './token-rows.js';

/** How often expired tokens are collected; expiry itself is checked on every read. */
const SWEEP_EVERY_MS = 60_000;

/**
 * The tokens of a MemoryStore (token-rows.ts), with their chains by grant and family and what it
 * remembers of revocations. `resolve` answers synchronously from the token's slot in the hash
 * table, which holds all it reads of the token and a copy of its grant (refreshed here whenever
 * the grant is written: grantWritten()).
 */
export class MemoryTokens implements KnowingTokenPart<Resolved | undefined> {
  readonly #grants: GrantRows;
  readonly #rows: TokenRows;
  readonly #clients: StringTable;
  readonly #send: (event: Invalidation) => void;
  readonly #chains = new TokenChains();
  /** The first token row of each family; the rest follow on the family chain. */
  readonly #families = new Map<string, number>();
  readonly #revocations = new MemoryRevocations();
  #nextSweepAt = -Infinity;

  constructor(grants: GrantRows, rows: TokenRows, clients: StringTable, send: (event: Invalidation) => void) {
    this.#grants = grants;
    this.#rows = rows;
    this.#clients = clients;
    this.#send = send;
  }

  async putToken(token: TokenRecord): Promise<void> {
    this.#add(token);
    // Time-based, so filling the store stays linear: at most one pass over the rows a minute.
    if (token.createdAt >= this.#nextSweepAt) {
      this.#nextSweepAt = token.createdAt + SWEEP_EVERY_MS;
      this.#sweep(token.createdAt);
    }
  }

  resolve(hash: string, now: number): Resolved | undefined {
    const rows = this.#rows;
    const slot = rows.slotOf(hash);
    if (slot < 0) return this.#resolveRow(rows.lookup(hash), hash, now);
    // Everything read here sits in the token's slot, beside its key, or at the slot's index beside the table.
    const kind = rows.kindAt(slot);
    if (kind !== ACCESS && kind !== API_KEY) return undefined;
    if (rows.expiresAtSlot(slot) <= now) return undefined; // NaN (no expiry) compares false
    if (this.#revocations.anyFamily() && this.#familyRevoked(rows.rowAt(slot))) return undefined;
    const grantRow = rows.grantRowAt(slot);
    return { token: rows.recordAt(slot, hash), grant: grantRow < 0 ? null : rows.grantAt(slot) };
  }

  /** Refreshes the copy of a grant that each of its tokens keeps: call it after every write of the grant's row. */
  grantWritten(grantRow: number): void {
    for (const row of this.#chains.rows(BY_GRANT, this.#grants.firstToken(grantRow))) this.#rows.refreshGrant(row);
  }

  /** resolve() for a hash that is not a canonical SHA-256 (hash-keys.ts keeps those in a Map). */
  #resolveRow(row: number, hash: string, now: number): Resolved | undefined {
    if (row < 0) return undefined;
    const rows = this.#rows;
    const kind = rows.kindOf(row);
    if (kind !== ACCESS && kind !== API_KEY) return undefined;
    if (rows.expiresAt(row) <= now) return undefined;
    if (this.#revocations.anyFamily() && this.#familyRevoked(row)) return undefined;
    const grantRow = rows.grantRowOf(row);
    return { token: rows.record(row, hash), grant: grantRow < 0 ? null : this.#grants.record(grantRow) };
  }

  #familyRevoked(row: number): boolean {
    const family = this.#rows.familyOf(row);
    return family !== null && this.#revocations.isRevoked(family);
  }

  async knows(hash: string): Promise<boolean> {
    return this.#rows.lookup(hash) >= 0 || this.#revocations.isBuried(hash);
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    // No await between the read and the write: the event loop makes this atomic.
    const rows = this.#rows;
    const row = rows.lookup(hash);
    if (row < 0 || rows.expiresAt(row) <= now) return undefined;
    const firstUse = !rows.isConsumed(row);
    const record = rows.record(row, hash);
    if (firstUse) rows.setConsumed(row, now);
    return { record, firstUse };
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    const consumed = await this.consume(oldHash, now);
    if (consumed?.firstUse) this.#add(next);
    return consumed;
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.#rows.lookup(hash);
    if (row < 0) return undefined;
    const record = this.#rows.record(row, hash);
    this.#revoke(row, Date.now());
    this.#send({ tokenHash: hash });
    return record;
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    this.#revocations.revokeFamily(family, now);
    const n = this.#revokeAll(BY_FAMILY, this.#families.get(family) ?? -1);
    this.#send({ family });
    return n;
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    const n = this.revokeAllOfGrant(grantId);
    this.#send({ grantId });
    return n;
  }

  /** Revokes every token of the grant without a broadcast of its own: deleting the grant sends one. */
  revokeAllOfGrant(grantId: string): number {
    const grantRow = this.#grants.rowOf(grantId);
    return grantRow < 0 ? 0 : this.#revokeAll(BY_GRANT, this.#grants.firstToken(grantRow));
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const out: TokenRecord[] = [];
    const rows = this.#rows;
    const kind = kindNumber(filter.kind);
    const client = filter.clientId === undefined ? -1 : this.#clients.find(filter.clientId);
    if (filter.clientId !== undefined && client < 0) return out;
    let grantRow = -1;
    if (filter.grantId !== undefined && (grantRow = this.#grants.rowOf(filter.grantId)) < 0) return out;
    for (let row = 0; row < rows.size; row++) {
      if (rows.kindOf(row) !== kind) continue;
      if (client >= 0 && rows.clientOf(row) !== client) continue;
      if (grantRow >= 0 && rows.grantRowOf(row) !== grantRow) continue;
      out.push(rows.record(row));
    }
    return out;
  }

  /** The part of the store's dump: the tokens with when they were consumed, and the revocations. */
  dump(): object {
    const tokens: { token: TokenRecord; consumedAt: number | null }[] = [];
    const rows = this.#rows;
    for (let row = 0; row < rows.size; row++) {
      if (rows.kindOf(row) >= 0) tokens.push({ token: rows.record(row), consumedAt: rows.consumedAt(row) });
    }
    return { tokens, ...this.#revocations.dump() };
  }

  /** Every token write comes here; synchronous, so the family check cannot race a revocation. */
  #add(token: TokenRecord): void {
    if (token.family !== null && this.#revocations.isRevoked(token.family)) return;
    const old = this.#rows.lookup(token.hash);
    if (old >= 0) this.#drop(old);
    const grantRow = token.grantId === null ? -1 : this.#grants.slot(token.grantId);
    const row = this.#rows.add(token, grantRow);
    if (grantRow >= 0) this.#grants.setFirstToken(grantRow, this.#chains.push(BY_GRANT, row, this.#grants.firstToken(grantRow)));
    if (token.family !== null) this.#families.set(token.family, this.#chains.push(BY_FAMILY, row, this.#families.get(token.family) ?? -1));
  }

  #drop(row: number): void {
    const grantRow = this.#rows.grantRowOf(row);
    if (grantRow >= 0) {
      this.#grants.setFirstToken(grantRow, this.#chains.remove(BY_GRANT, row, this.#grants.firstToken(grantRow)));
      this.#grants.releaseIfUnused(grantRow);
    }
    const family = this.#rows.familyOf(row);
    if (family !== null) {
      const head = this.#chains.remove(BY_FAMILY, row, this.#families.get(family) ?? -1);
      if (head < 0) this.#families.delete(family);
      else this.#families.set(family, head);
    }
    this.#rows.drop(row);
  }

  /** Drops a token by revocation: an access token or API key leaves its tombstone. */
  #revoke(row: number, now: number): void {
    const kind = this.#rows.kindOf(row);
    if (kind === ACCESS || kind === API_KEY) this.#revocations.bury(this.#rows.hashOf(row), now);
    this.#drop(row);
  }

  #revokeAll(chain: ChainKind, head: number): number {
    const all = this.#chains.rows(chain, head);
    const now = Date.now();
    for (const row of all) this.#revoke(row, now);
    return all.length;
  }

  /** Garbage collection of expired tokens, amortised over writes. Expiry itself is checked on read. */
  #sweep(now: number): void {
    const rows = this.#rows;
    for (let row = 0; row < rows.size; row++) {
      if (rows.kindOf(row) >= 0 && rows.expiresAt(row) <= now) this.#drop(row);
    }
    this.#revocations.sweep(now);
  }
}
