import type {
  Consumed,
  GrantFilter,
  GrantRecord,
  Invalidation,
  InvalidationListener,
  Resolved,
  TokenFilter,
  TokenRecord,
} from './records.js';
import type { MaybePromise, Store } from './store.js';
import { applyGrantFilter } from './filter.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../connectors/connector-records.js';
import { MemoryConnectors } from './memory/connectors.js';
import { IndexSets } from './memory/index-sets.js';
import { MemoryRevocations } from './memory/revocations.js';

/** One per grant id. Tokens point at it, so a resolve is one Map read however many grants there are. */
interface GrantSlot {
  record: GrantRecord | null;
}

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
 * The default store: Maps in this process. Fast (resolve answers synchronously), but it forgets
 * everything on restart and cannot be shared between instances: use SQLite for one machine and
 * PostgreSQL or Redis for many.
 */
export class MemoryStore implements Store, ConnectorStore {
  readonly #slots = new Map<string, GrantSlot>();
  readonly #byEmail = new Map<string, string>();
  readonly #tokens = new Map<string, Entry>();
  readonly #byGrant = new IndexSets();
  readonly #byFamily = new IndexSets();
  readonly #revocations = new MemoryRevocations();
  /** Tokens that can expire: the sweep looks at these only. */
  readonly #expirable = new Set<string>();
  #nextSweepAt = -Infinity;
  readonly #listeners = new Set<InvalidationListener>();
  readonly #connectors = new MemoryConnectors();

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.#slots.get(id)?.record ?? undefined;
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const id = this.#byEmail.get(emailKey(clientId, email));
    return id === undefined ? undefined : (this.#slots.get(id)?.record ?? undefined);
  }

  #slot(id: string): GrantSlot {
    let slot = this.#slots.get(id);
    if (!slot) this.#slots.set(id, (slot = { record: null }));
    return slot;
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    const slot = this.#slot(grant.id);
    if (slot.record) this.#unindexEmail(slot.record);
    // Frozen copies: the same object is handed out on every resolve, so nobody may change it.
    slot.record = Object.freeze({ ...grant, scopes: Object.freeze([...grant.scopes]) });
    this.#byEmail.set(emailKey(grant.clientId, grant.email), grant.id);
    this.#broadcast({ grantId: grant.id });
  }

  async deleteGrant(id: string): Promise<boolean> {
    const slot = this.#slots.get(id);
    const grant = slot?.record;
    if (!slot || !grant) return false;
    slot.record = null;
    this.#slots.delete(id);
    this.#unindexEmail(grant);
    this.#revokeAll(this.#byGrant.get(id));
    this.#broadcast({ grantId: id });
    return true;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    const all: GrantRecord[] = [];
    for (const { record } of this.#slots.values()) if (record) all.push(record);
    return applyGrantFilter(all, filter);
  }

  async putToken(token: TokenRecord): Promise<void> {
    this.#add(Object.freeze({ ...token }));
    // Time-based, so filling the store stays linear: at most one pass over expirable tokens a minute.
    if (token.createdAt >= this.#nextSweepAt) {
      this.#nextSweepAt = token.createdAt + SWEEP_EVERY_MS;
      this.#sweep(token.createdAt);
    }
  }

  /** Answers synchronously; typed as the interface's MaybePromise so subclasses may go async. */
  resolve(hash: string, now: number): MaybePromise<Resolved | undefined> {
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
    this.#broadcast({ tokenHash: hash });
    return entry.token;
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    this.#revocations.revokeFamily(family, now);
    const n = this.#revokeAll(this.#byFamily.get(family));
    this.#broadcast({ family });
    return n;
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    const n = this.#revokeAll(this.#byGrant.get(grantId));
    this.#broadcast({ grantId });
    return n;
  }

  /** In-process broadcast: several kits sharing one MemoryStore keep their caches right. */
  async subscribe(listener: InvalidationListener): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  #broadcast(e: Invalidation): void {
    for (const l of this.#listeners) l.onInvalidate(e);
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

  // Connectors and credentials (ConnectorStore): see memory/connectors.ts.

  getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    return this.#connectors.getConnector(provider, owner);
  }

  putConnector(connector: ConnectorRecord): Promise<void> {
    return this.#connectors.putConnector(connector);
  }

  deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return this.#connectors.deleteConnector(provider, owner);
  }

  listConnectors(): Promise<ConnectorRecord[]> {
    return this.#connectors.listConnectors();
  }

  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#connectors.getCredential(id);
  }

  putCredential(credential: CredentialRecord): Promise<void> {
    return this.#connectors.putCredential(credential);
  }

  deleteCredential(id: string): Promise<boolean> {
    return this.#connectors.deleteCredential(id);
  }

  listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return this.#connectors.listCredentials(provider, owner);
  }

  /** Everything held, as plain data: tests search it for plaintext secrets. */
  dump(): unknown {
    return {
      grants: [...this.#slots.values()].flatMap(({ record }) => (record ? [record] : [])),
      tokens: [...this.#tokens.values()].map(({ token, consumedAt }) => ({ token, consumedAt })),
      ...this.#connectors.dump(),
      ...this.#revocations.dump(),
    };
  }

  /** Drops the email entry only while it still points at this grant: another may have taken the address since. */
  #unindexEmail(grant: GrantRecord): void {
    const key = emailKey(grant.clientId, grant.email);
    if (this.#byEmail.get(key) === grant.id) this.#byEmail.delete(key);
  }

  /** Every token write comes here; synchronous, so the family check cannot race a revocation. */
  #add(token: TokenRecord): void {
    if (token.family !== null && this.#revocations.isRevoked(token.family)) return;
    if (this.#tokens.has(token.hash)) this.#drop(token.hash);
    const slot = token.grantId === null ? null : this.#slot(token.grantId);
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

function emailKey(clientId: string, email: string): string {
  return `${clientId}\u0000${email.toLowerCase()}`;
}
