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
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from './revoked-family.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../connectors/records.js';

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
  readonly #byGrant = new Map<string, Set<string>>();
  readonly #byFamily = new Map<string, Set<string>>();
  /** Revoked families and when (revoked-family.ts): tokens of these are never stored again. */
  readonly #revokedFamilies = new Map<string, number>();
  /** Tombstones of revoked access tokens and API keys, by hash, with when (wall clock; revoked-family.ts). */
  readonly #revokedTokens = new Map<string, number>();
  /** Tokens that can expire: the sweep looks at these only. */
  readonly #expirable = new Set<string>();
  #nextSweepAt = -Infinity;
  readonly #listeners = new Set<InvalidationListener>();
  readonly #connectors = new Map<string, ConnectorRecord>();
  readonly #credentials = new Map<string, CredentialRecord>();

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
    if (token.family !== null && this.#revokedFamilies.has(token.family)) return undefined;
    const grant = entry.slot === null ? null : entry.slot.record;
    let resolved = entry.resolved;
    if (resolved === null || resolved.grant !== grant) entry.resolved = resolved = { token, grant };
    return resolved;
  }

  async knows(hash: string): Promise<boolean> {
    return this.#tokens.has(hash) || this.#revokedTokens.has(hash);
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
    if (!this.#revokedFamilies.has(family)) this.#revokedFamilies.set(family, now);
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

  // Connectors and credentials (ConnectorStore): plain CRUD, frozen copies as for grants.

  // Connectors are keyed by owner and provider: the app's (owner null) and each client's apart.

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    return this.#connectors.get(connectorKey(provider, owner));
  }

  async putConnector(connector: ConnectorRecord): Promise<void> {
    // A record from a caller that predates owners (plain JS) is the app's and serves every client.
    const owned = { ...connector, owner: connector.owner ?? null, clients: connector.clients ?? null };
    this.#connectors.set(connectorKey(owned.provider, owned.owner), Object.freeze(owned));
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    for (const [id, c] of this.#credentials) if (c.provider === provider && c.owner === owner) this.#credentials.delete(id);
    return this.#connectors.delete(connectorKey(provider, owner));
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return [...this.#connectors.values()];
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#credentials.get(id);
  }

  async putCredential(credential: CredentialRecord): Promise<void> {
    this.#credentials.set(credential.id, Object.freeze({ ...credential, owner: credential.owner ?? null }));
  }

  async deleteCredential(id: string): Promise<boolean> {
    return this.#credentials.delete(id);
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return [...this.#credentials.values()].filter((c) => c.provider === provider && c.owner === owner);
  }

  /** Everything held, as plain data: tests search it for plaintext secrets. */
  dump(): unknown {
    return {
      grants: [...this.#slots.values()].flatMap(({ record }) => (record ? [record] : [])),
      tokens: [...this.#tokens.values()].map(({ token, consumedAt }) => ({ token, consumedAt })),
      // Only when there are any, so a dump of a store without connectors keeps its old shape.
      ...(this.#connectors.size > 0 ? { connectors: [...this.#connectors.values()] } : {}),
      ...(this.#credentials.size > 0 ? { credentials: [...this.#credentials.values()] } : {}),
      ...(this.#revokedFamilies.size > 0 ? { revokedFamilies: Object.fromEntries(this.#revokedFamilies) } : {}),
      ...(this.#revokedTokens.size > 0 ? { revokedTokens: Object.fromEntries(this.#revokedTokens) } : {}),
    };
  }

  /** Drops the email entry only while it still points at this grant: another may have taken the address since. */
  #unindexEmail(grant: GrantRecord): void {
    const key = emailKey(grant.clientId, grant.email);
    if (this.#byEmail.get(key) === grant.id) this.#byEmail.delete(key);
  }

  /** Every token write comes here; synchronous, so the family check cannot race a revocation. */
  #add(token: TokenRecord): void {
    if (token.family !== null && this.#revokedFamilies.has(token.family)) return;
    if (this.#tokens.has(token.hash)) this.#drop(token.hash);
    const slot = token.grantId === null ? null : this.#slot(token.grantId);
    this.#tokens.set(token.hash, { token, consumedAt: null, slot, resolved: null });
    if (token.expiresAt !== null) this.#expirable.add(token.hash);
    if (token.grantId !== null) index(this.#byGrant, token.grantId, token.hash);
    if (token.family !== null) index(this.#byFamily, token.family, token.hash);
  }

  #drop(hash: string): void {
    const entry = this.#tokens.get(hash);
    if (!entry) return;
    this.#tokens.delete(hash);
    this.#expirable.delete(hash);
    const { grantId, family } = entry.token;
    if (grantId !== null) unindex(this.#byGrant, grantId, hash);
    if (family !== null) unindex(this.#byFamily, family, hash);
  }

  /** Drops a token by revocation: an access token or API key leaves its tombstone. */
  #revoke(hash: string, now: number): void {
    const kind = this.#tokens.get(hash)?.token.kind;
    if (kind === 'access' || kind === 'api_key') {
      // Re-inserted, so the map stays in revocation order.
      this.#revokedTokens.delete(hash);
      this.#revokedTokens.set(hash, now);
    }
    this.#drop(hash);
  }

  #revokeAll(hashes: Set<string> | undefined): number {
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
    for (const [family, revokedAt] of this.#revokedFamilies) {
      if (revokedAt + REVOKED_FAMILY_RETENTION_MS <= now) this.#revokedFamilies.delete(family);
    }
    // Tombstones are dated on the wall clock and kept in that order: the oldest come first.
    const buriedBefore = Date.now() - REVOKED_TOKEN_RETENTION_MS;
    for (const [hash, revokedAt] of this.#revokedTokens) {
      if (revokedAt > buriedBefore) break;
      this.#revokedTokens.delete(hash);
    }
  }
}

function connectorKey(provider: string, owner: string | null): string {
  return JSON.stringify([owner, provider]);
}

function emailKey(clientId: string, email: string): string {
  return `${clientId}\u0000${email.toLowerCase()}`;
}

function index(map: Map<string, Set<string>>, key: string, hash: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(hash);
}

function unindex(map: Map<string, Set<string>>, key: string, hash: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(hash);
  if (set.size === 0) map.delete(key);
}
