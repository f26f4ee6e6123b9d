import type { GrantPart } from '../delegating-store.js';
import { applyGrantFilter } from '../filter.js';
import type { GrantFilter, GrantRecord, Invalidation } from '../records.js';
import type { GrantRows } from './grant-slots.js';
import type { MemoryTokens } from './tokens.js';

/**
 * The grants of a MemoryStore: rows by id (grant-slots.ts) and an index by (client, email).
 * Deleting a grant revokes its tokens through `tokens`. No await between a read and a write: the
 * event loop makes each method atomic.
 */
export class MemoryGrants implements GrantPart {
  readonly #rows: GrantRows;
  /** Per client id, the row of the grant of each address (lowercased): no composite key string per grant. */
  readonly #byEmail = new Map<string, Map<string, number>>();
  readonly #tokens: MemoryTokens;
  readonly #send: (event: Invalidation) => void;

  constructor(rows: GrantRows, tokens: MemoryTokens, send: (event: Invalidation) => void) {
    this.#rows = rows;
    this.#tokens = tokens;
    this.#send = send;
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    const row = this.#rows.rowOf(id);
    return row < 0 ? undefined : (this.#rows.record(row) ?? undefined);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const row = this.#byEmail.get(clientId)?.get(emailKey(email));
    return row === undefined ? undefined : (this.#rows.record(row) ?? undefined);
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    const rows = this.#rows;
    const row = rows.slot(grant.id);
    if (rows.isPresent(row)) this.#unindexEmail(row);
    rows.write(row, grant);
    this.#tokens.grantWritten(row);
    let byEmail = this.#byEmail.get(grant.clientId);
    if (byEmail === undefined) this.#byEmail.set(grant.clientId, (byEmail = new Map()));
    byEmail.set(emailKey(grant.email), row);
    this.#send({ grantId: grant.id });
  }

  async deleteGrant(id: string): Promise<boolean> {
    const row = this.#rows.rowOf(id);
    if (row < 0 || !this.#rows.isPresent(row)) return false;
    this.#unindexEmail(row);
    this.#tokens.revokeAllOfGrant(id);
    this.#rows.clear(row);
    this.#send({ grantId: id });
    return true;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    return applyGrantFilter(this.#rows.records(), filter);
  }

  /** Drops the email entry only while it still points at this row: another grant may have taken the address since. */
  #unindexEmail(row: number): void {
    const record = this.#rows.record(row);
    if (record === null) return;
    const byEmail = this.#byEmail.get(record.clientId);
    const key = emailKey(record.email);
    if (byEmail?.get(key) !== row) return;
    byEmail.delete(key);
    if (byEmail.size === 0) this.#byEmail.delete(record.clientId);
  }
}

/** The address as the index keys it: the record's own string when it is lowercase already, so no copy is kept. */
function emailKey(email: string): string {
  const lower = email.toLowerCase();
  return lower === email ? email : lower;
}
