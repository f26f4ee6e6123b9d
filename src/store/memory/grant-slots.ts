import type { GrantRecord } from '../records.js';

/** One per grant id. Tokens point at it, so a resolve is one Map read however many grants there are. */
export interface GrantSlot {
  record: GrantRecord | null;
}

/**
 * The grant slots of a MemoryStore, shared by its grant part, which fills and empties them, and its
 * token part, whose entries point at them.
 */
export class GrantSlots {
  readonly #slots = new Map<string, GrantSlot>();

  get(id: string): GrantSlot | undefined {
    return this.#slots.get(id);
  }

  /** The slot of that id, made empty when there is none: a token may be stored before its grant. */
  slot(id: string): GrantSlot {
    let slot = this.#slots.get(id);
    if (!slot) this.#slots.set(id, (slot = { record: null }));
    return slot;
  }

  delete(id: string): void {
    this.#slots.delete(id);
  }

  /** The grants held, in the order their slots were made. */
  records(): GrantRecord[] {
    const all: GrantRecord[] = [];
    for (const { record } of this.#slots.values()) if (record) all.push(record);
    return all;
  }
}
