import { V2_SCOPES } from './catalog.js';
import type { ScopeGraph } from './graph.js';
import type { ScopeVocabulary } from './vocabulary.js';

/**
 * What one guard asks of a grant: at least one of `scopes` (`any`, as `requireScopes` and the
 * endpoint table do) or every one of them (`all`, as `requireAllScopes` does). Scopes are read
 * through the hierarchy: `email` satisfies a guard on `email.send`. An `any` requirement with no
 * scopes is one that nothing satisfies (an endpoint-table row that no scope admits).
 */
export interface ScopeCheck {
  readonly mode: 'any' | 'all';
  readonly scopes: readonly string[];
}

/**
 * What a route needs: every requirement in front of it (a table gate and a guard on the route
 * are both checked). An empty list needs a valid token and no scope.
 */
export type RouteNeed = readonly ScopeCheck[];

/** A least-privileged answer: the scopes to ask for, and every permission they imply. */
export interface LeastPrivilege {
  /** In the catalogue's order. */
  readonly scopes: readonly string[];
  /** The scopes of the vocabulary that `scopes` imply, themselves included, in the catalogue's order. */
  readonly implies: readonly string[];
}

/**
 * Past this many candidate scopes an exhaustive search (2^n sets) stops being instant; the Nylas
 * vocabulary has 13.
 */
const MAX_CANDIDATES = 20;

/**
 * Finds the sets of scopes that satisfy guards, and the least-privileged one among them.
 *
 * "Least privileged" is measured on the scope graph: the set whose closure holds the fewest scopes
 * of the vocabulary. `email.read_only` + `email.send` imply three (`email.read_only`,
 * `email.metadata`, `email.send`) where `email` implies seven, so the pair wins. Ties go to the set
 * with fewer scopes, then to the one whose scopes come first in the catalogue, so the answer is
 * always the same.
 *
 * The vocabulary is small, so every set is tried: the answer is the optimum, not a greedy guess.
 * Sets are bitmasks over the candidates (bit i is `candidates[i]`).
 */
export class ScopeSolver {
  readonly #graph: ScopeGraph;
  readonly #candidates: readonly string[];
  /** Per candidate: the candidates its closure holds, as a mask. */
  readonly #implies: readonly number[];
  /** Per scope named by a guard: the candidates that satisfy it (memoised). */
  readonly #satisfiers = new Map<string, number>();

  constructor(graph: ScopeGraph, candidates: readonly string[] = V2_SCOPES) {
    if (candidates.length > MAX_CANDIDATES) throw new TypeError(`grantkit: at most ${MAX_CANDIDATES} candidate scopes`);
    this.#graph = graph;
    this.#candidates = candidates;
    this.#implies = candidates.map((c) => this.#maskOf((p) => graph.satisfies([c], p)));
  }

  /** The candidates that a scope list (read in its vocabulary) implies, in the catalogue's order. */
  implied(scopes: readonly string[], vocabulary: ScopeVocabulary = 'v2'): string[] {
    return this.#names(this.#maskOf((p) => this.#graph.satisfies(scopes, p, vocabulary)));
  }

  /** Whether a scope list, read in its vocabulary, satisfies every requirement of a need. */
  satisfies(scopes: readonly string[], need: RouteNeed, vocabulary: ScopeVocabulary = 'v2'): boolean {
    const held = (s: string): boolean => this.#graph.satisfies(scopes, s, vocabulary);
    return need.every((r) => (r.mode === 'any' ? r.scopes.some(held) : r.scopes.every(held)));
  }

  /**
   * Every way to satisfy a need with candidate scopes, each as small as it can be (no scope in it
   * can be dropped), the least privileged first. `[[]]` when the need asks for no scope; `[]` when
   * no set of candidates satisfies it (a row no scope admits, or a guard on a provider scope, which
   * no Nylas scope implies).
   */
  alternatives(need: RouteNeed): string[][] {
    const useful = this.#useful([need]);
    const found: number[] = [];
    for (const set of subsetsBySize(useful)) {
      if (found.some((smaller) => (smaller & set) === smaller)) continue;
      if (this.#meets(set, need)) found.push(set);
    }
    return found.sort((a, b) => this.#compare(a, b)).map((set) => this.#names(set));
  }

  /**
   * The least-privileged set that satisfies every need given. Needs that nothing satisfies are left
   * out (see `alternatives`); the caller reports them.
   */
  leastPrivilege(needs: readonly RouteNeed[]): LeastPrivilege {
    const solvable = needs.filter((n) => this.alternatives(n).length > 0);
    const useful = this.#useful(solvable);
    let best: number | undefined;
    for (const set of subsetsBySize(useful)) {
      if (best !== undefined && this.#compare(set, best) >= 0) continue;
      if (solvable.every((n) => this.#meets(set, n))) best = set;
    }
    const chosen = best ?? 0;
    return { scopes: this.#names(chosen), implies: this.#names(this.#closure(chosen)) };
  }

  /** Does the set of candidates `set` meet every requirement of `need`? */
  #meets(set: number, need: RouteNeed): boolean {
    return need.every((r) => {
      if (r.mode === 'any') return r.scopes.some((s) => (this.#satisfiersOf(s) & set) !== 0);
      return r.scopes.every((s) => (this.#satisfiersOf(s) & set) !== 0);
    });
  }

  /** The candidates that could help with any of these needs: the search runs over these only. */
  #useful(needs: readonly RouteNeed[]): number {
    let mask = 0;
    for (const need of needs) for (const r of need) for (const s of r.scopes) mask |= this.#satisfiersOf(s);
    return mask;
  }

  #satisfiersOf(scope: string): number {
    let mask = this.#satisfiers.get(scope);
    if (mask === undefined) {
      mask = this.#maskOf((_, i) => this.#graph.satisfies([this.#candidates[i]!], scope));
      this.#satisfiers.set(scope, mask);
    }
    return mask;
  }

  #closure(set: number): number {
    let mask = 0;
    this.#implies.forEach((implied, i) => {
      if ((set & (1 << i)) !== 0) mask |= implied;
    });
    return mask;
  }

  /** Fewer implied scopes first, then fewer scopes, then the catalogue's order. */
  #compare(a: number, b: number): number {
    return bitCount(this.#closure(a)) - bitCount(this.#closure(b)) || bitCount(a) - bitCount(b) || catalogueOrder(a, b);
  }

  #maskOf(test: (candidate: string, index: number) => boolean): number {
    let mask = 0;
    this.#candidates.forEach((c, i) => {
      if (test(c, i)) mask |= 1 << i;
    });
    return mask;
  }

  #names(set: number): string[] {
    return this.#candidates.filter((_, i) => (set & (1 << i)) !== 0);
  }
}

/** Every subset of `mask`, the empty one first, smaller sets before larger ones. */
function subsetsBySize(mask: number): number[] {
  const subsets: number[] = [];
  // Walks the subsets of a mask without touching the bits outside it.
  for (let s = mask; ; s = (s - 1) & mask) {
    subsets.push(s);
    if (s === 0) break;
  }
  return subsets.sort((a, b) => bitCount(a) - bitCount(b) || a - b);
}

function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/** The set whose lowest differing scope comes first in the catalogue sorts first. */
function catalogueOrder(a: number, b: number): number {
  const differ = a ^ b;
  if (differ === 0) return 0;
  const lowest = differ & -differ;
  return (a & lowest) !== 0 ? -1 : 1;
}
