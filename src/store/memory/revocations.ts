import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';

/**
 * What a MemoryStore remembers of its revocations (revoked-family.ts): the families revoked, so no
 * token of theirs is stored again, and the tombstones of the access tokens and API keys revoked,
 * so `knows` still answers for them.
 */
export class MemoryRevocations {
  /** Revoked families and when, on the core's clock. */
  readonly #families = new Map<string, number>();
  /** Tombstones by hash, with when (wall clock), kept in revocation order: the oldest come first. */
  readonly #buried = new Map<string, number>();

  /** Whether any family is remembered: when none is, a resolution need not read a token's family. */
  anyFamily(): boolean {
    return this.#families.size > 0;
  }

  isRevoked(family: string): boolean {
    return this.#families.has(family);
  }

  /** A family revoked again keeps the date of its first revocation. */
  revokeFamily(family: string, now: number): void {
    if (!this.#families.has(family)) this.#families.set(family, now);
  }

  isBuried(hash: string): boolean {
    return this.#buried.has(hash);
  }

  bury(hash: string, now: number): void {
    // Re-inserted, so the map stays in revocation order.
    this.#buried.delete(hash);
    this.#buried.set(hash, now);
  }

  /** Forgets the families revoked longer ago than the retention before `now`, and the old tombstones. */
  sweep(now: number): void {
    for (const [family, revokedAt] of this.#families) {
      if (revokedAt + REVOKED_FAMILY_RETENTION_MS <= now) this.#families.delete(family);
    }
    const buriedBefore = Date.now() - REVOKED_TOKEN_RETENTION_MS;
    for (const [hash, revokedAt] of this.#buried) {
      if (revokedAt > buriedBefore) break;
      this.#buried.delete(hash);
    }
  }

  /** The part of the store's dump: only what there is, so a store that revoked nothing keeps its old shape. */
  dump(): { revokedFamilies?: Record<string, number>; revokedTokens?: Record<string, number> } {
    return {
      ...(this.#families.size > 0 ? { revokedFamilies: Object.fromEntries(this.#families) } : {}),
      ...(this.#buried.size > 0 ? { revokedTokens: Object.fromEntries(this.#buried) } : {}),
    };
  }
}
