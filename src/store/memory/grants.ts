import type { GrantPart } from '../delegating-store.js';
import { applyGrantFilter } from '../filter.js';
import type { GrantFilter, GrantRecord, Invalidation } from '../records.js';
import type { GrantSlots } from './grant-slots.js';
import type { MemoryTokens } from './tokens.js';

/**
 * The grants of a MemoryStore: slots by id and an index by (client, email). Deleting a grant
 * revokes its tokens through `tokens`. No await between a read and a write: the event loop makes
 * each method atomic.
 */
export class MemoryGrants implements GrantPart {
  readonly #slots: GrantSlots;
  readonly #byEmail = new Map<string, string>();
  readonly #tokens: MemoryTokens;
  readonly #send: (event: Invalidation) => void;

  constructor(slots: GrantSlots, tokens: MemoryTokens, send: (event: Invalidation) => void) {
    this.#slots = slots;
    this.#tokens = tokens;
    this.#send = send;
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.#slots.get(id)?.record ?? undefined;
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const id = this.#byEmail.get(emailKey(clientId, email));
    return id === undefined ? undefined : (this.#slots.get(id)?.record ?? undefined);
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    const slot = this.#slots.slot(grant.id);
    if (slot.record) this.#unindexEmail(slot.record);
    // Frozen copies: the same object is handed out on every resolve, so nobody may change it.
    slot.record = Object.freeze({ ...grant, scopes: Object.freeze([...grant.scopes]) });
    this.#byEmail.set(emailKey(grant.clientId, grant.email), grant.id);
    this.#send({ grantId: grant.id });
  }

  async deleteGrant(id: string): Promise<boolean> {
    const slot = this.#slots.get(id);
    const grant = slot?.record;
    if (!slot || !grant) return false;
    slot.record = null;
    this.#slots.delete(id);
    this.#unindexEmail(grant);
    this.#tokens.revokeAllOfGrant(id);
    this.#send({ grantId: id });
    return true;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    return applyGrantFilter(this.#slots.records(), filter);
  }

  /** Drops the email entry only while it still points at this grant: another may have taken the address since. */
  #unindexEmail(grant: GrantRecord): void {
    const key = emailKey(grant.clientId, grant.email);
    if (this.#byEmail.get(key) === grant.id) this.#byEmail.delete(key);
  }
}

function emailKey(clientId: string, email: string): string {
  return `${clientId}\u0000${email.toLowerCase()}`;
}
