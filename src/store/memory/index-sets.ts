/** An index from a key (a grant id, a family) to the token hashes under it; a key with none is dropped. */
export class IndexSets {
  readonly #sets = new Map<string, Set<string>>();

  get(key: string): ReadonlySet<string> | undefined {
    return this.#sets.get(key);
  }

  add(key: string, hash: string): void {
    let set = this.#sets.get(key);
    if (!set) this.#sets.set(key, (set = new Set()));
    set.add(hash);
  }

  delete(key: string, hash: string): void {
    const set = this.#sets.get(key);
    if (!set) return;
    set.delete(hash);
    if (set.size === 0) this.#sets.delete(key);
  }
}
