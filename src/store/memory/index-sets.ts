import { grownInt32 } from './row-buffer.js';

/** The two chains a token row is on: its grant's tokens, and its family's. */
export const BY_GRANT = 0;
export const BY_FAMILY = 2;
export type ChainKind = typeof BY_GRANT | typeof BY_FAMILY;

/**
 * The indexes from a key (a grant, a family) to its tokens, as doubly-linked chains threaded
 * through the token rows: four numbers per token (previous and next in each chain), and one head
 * per key kept by the key's owner, instead of a Set per key. Adding and removing a token is O(1);
 * walking a chain visits only its tokens.
 */
export class TokenChains {
  /** Per row: [previous, next] by grant, then [previous, next] by family; -1 ends a chain. */
  #links = new Int32Array(0);

  /** Puts `row` at the front of the chain that starts at `head`; the chain's new head is `row`. */
  push(kind: ChainKind, row: number, head: number): number {
    if ((row + 1) * 4 > this.#links.length) this.#links = grownInt32(this.#links, (row + 1) * 4, -1);
    const links = this.#links;
    links[row * 4 + kind] = -1;
    links[row * 4 + kind + 1] = head;
    if (head >= 0) links[head * 4 + kind] = row;
    return row;
  }

  /** Takes `row` off the chain that starts at `head`; returns the chain's head afterwards (-1: empty). */
  remove(kind: ChainKind, row: number, head: number): number {
    const links = this.#links;
    const prev = links[row * 4 + kind]!;
    const next = links[row * 4 + kind + 1]!;
    if (prev >= 0) links[prev * 4 + kind + 1] = next;
    if (next >= 0) links[next * 4 + kind] = prev;
    links[row * 4 + kind] = links[row * 4 + kind + 1] = -1;
    return head === row ? next : head;
  }

  /** The rows of the chain that starts at `head`, as an array: the caller may change the chain while going through it. */
  rows(kind: ChainKind, head: number): number[] {
    const out: number[] = [];
    for (let row = head; row >= 0; row = this.#links[row * 4 + kind + 1]!) out.push(row);
    return out;
  }
}
