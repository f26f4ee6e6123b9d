import type { Consumed, Invalidation, Resolved, TokenFilter, TokenRecord } from '../records.js';
import type { KnowingTokenPart } from '../store-of-parts.js';
import type { GrantSlot, GrantSlots } from './grant-slots.js';
import { IndexSets } from './index-sets.js';
import { MemoryRevocations } from './revocations.js';

interface Entry {
  token: TokenRecord;
  consumedAt: number | null;
  slot: GrantSlot | null;
  /** Handed out again while the grant is unchanged, so the hot path allocates nothing. */
  resolved: Resolved | null;
}

/** How often expired tokens are collected; expiry itself is checked on every read. */
const SWEEP_EVERY_MS = 60_000;

/**
 * The tokens of a MemoryStore, with their indexes by grant and family and what it remembers of
 * revocations. `resolve` answers synchronously.
 */
export class MemoryTokens implements KnowingTokenPart<Resolved | undefined> {
  readonly #slots: GrantSlots;
  readonly #send: (event: Invalidation) => void;
  readonly #tokens = new Map<string, Entry>();
  readonly #byGrant = new IndexSets();
  readonly #byFamily = new IndexSets();
  readonly #revocations = new MemoryRevocations();
  /** Tokens that can expire: the sweep looks at these only. */
  readonly #expirable = new Set<string>();
  #nextSweepAt = -Infinity;

  constructor(slots: GrantSlots, send: (event: Invalidation) => void) {
    this.#slots = slots;
    this.#send = send;
  }

  async putToken(token: TokenRecord): Promise<void> {
    this.#add(Object.freeze({ ...token }));
    // Time-based, so filling the store stays linear: at most one pass over expirable tokens a minute.
    if (token.createdAt >= this.#nextSweepAt) {
      this.#nextSweepAt = token.createdAt + SWEEP_EVERY_MS;
      this.#sweep(token.createdAt);
    }
  }

  resolve(hash: string, now: number): Resolved | undefined {
    const entry = this.#tokens.get(hash);
    if (entry === undefined) return undefined;
    const token = entry.token;
    if (token.kind !== 'access' && token.kind !== 'api_key') return undefined;
    if (token.expiresAt !== null && token.expiresAt <= now) return undefined;
    if (token.family !== null && this.#revocations.isRevoked(token.family)) return undefined;
    const grant = entry.slot === null ? null : entry.slot.record;
    let resolved = entry.resolved;
    if (resolved === null || resolved.grant !== grant) entry.resolved = resolved = { token, grant };
    return resolved;
  }

  async knows(hash: string): Promise<boolean> {
    return this.#tokens.has(hash) || this.#revocations.isBuried(hash);
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    // No await between the read and the write: the event loop makes this atomic.
    const entry = this.#tokens.get(hash);
    if (!entry || (entry.token.expiresAt !== null && entry.token.expiresAt <= now)) return undefined;
    const firstUse = entry.consumedAt === null;
    if (firstUse) entry.consumedAt = now;
    return { record: entry.token, firstUse };
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    const consumed = await this.consume(oldHash, now);
    if (consumed?.firstUse) this.#add(Object.freeze({ ...next }));
    return consumed;
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const entry = this.#tokens.get(hash);
    if (!entry) return undefined;
    this.#revoke(hash, Date.now());
    this.#send({ tokenHash: hash });
    return entry.token;
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    this.#revocations.revokeFamily(family, now);
    const n = this.#revokeAll(this.#byFamily.get(family));
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
    return this.#revokeAll(this.#byGrant.get(grantId));
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const out: TokenRecord[] = [];
    for (const { token } of this.#tokens.values()) {
      if (token.kind !== filter.kind) continue;
      if (filter.clientId !== undefined && token.clientId !== filter.clientId) continue;
      if (filter.grantId !== undefined && token.grantId !== filter.grantId) continue;
      out.push(token);
    }
    return out;
  }

  /** The part of the store's dump: the tokens with when they were consumed, and the revocations. */
  dump(): object {
    return {
      tokens: [...this.#tokens.values()].map(({ token, consumedAt }) => ({ token, consumedAt })),
      ...this.#revocations.dump(),
    };
  }

  /** Every token write comes here; synchronous, so the family check cannot race a revocation. */
  #add(token: TokenRecord): void {
    if (token.family !== null && this.#revocations.isRevoked(token.family)) return;
    if (this.#tokens.has(token.hash)) this.#drop(token.hash);
    const slot = token.grantId === null ? null : this.#slots.slot(token.grantId);
    this.#tokens.set(token.hash, { token, consumedAt: null, slot, resolved: null });
    if (token.expiresAt !== null) this.#expirable.add(token.hash);
    if (token.grantId !== null) this.#byGrant.add(token.grantId, token.hash);
    if (token.family !== null) this.#byFamily.add(token.family, token.hash);
  }

  #drop(hash: string): void {
    const entry = this.#tokens.get(hash);
    if (!entry) return;
    this.#tokens.delete(hash);
    this.#expirable.delete(hash);
    const { grantId, family } = entry.token;
    if (grantId !== null) this.#byGrant.delete(grantId, hash);
    if (family !== null) this.#byFamily.delete(family, hash);
  }

  /** Drops a token by revocation: an access token or API key leaves its tombstone. */
  #revoke(hash: string, now: number): void {
    const kind = this.#tokens.get(hash)?.token.kind;
    if (kind === 'access' || kind === 'api_key') this.#revocations.bury(hash, now);
    this.#drop(hash);
  }

  #revokeAll(hashes: ReadonlySet<string> | undefined): number {
    if (!hashes) return 0;
    const all = [...hashes];
    const now = Date.now();
    for (const h of all) this.#revoke(h, now);
    return all.length;
  }

  /** Garbage collection of expired tokens, amortised over writes. Expiry itself is checked on read. */
  #sweep(now: number): void {
    for (const hash of [...this.#expirable]) {
      const expiresAt = this.#tokens.get(hash)?.token.expiresAt;
      if (expiresAt !== undefined && expiresAt !== null && expiresAt <= now) this.#drop(hash);
    }
    this.#revocations.sweep(now);
  }
}
