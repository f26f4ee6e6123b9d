import { V2_SCOPES } from './catalog.js';
import { V2_IMPLICATIONS } from './implications.js';
import { PROVIDER_IMPLICATIONS, PROVIDER_SCOPES } from './provider-scopes.js';
import { IDENTITY_SCOPES, SCOPE_VOCABULARIES, type ScopeVocabulary } from './vocabulary.js';

/**
 * A set of known scopes as a bitset. One 32-bit word per 32 scopes: the v2 vocabulary fits in one,
 * and provider scopes added later only add words. Checks are a loop over a handful of words,
 * with no allocation and no string work on the request path.
 */
export type ScopeMask = Uint32Array;

/**
 * Every known scope, its index, and the closure of what it satisfies, computed once.
 * Built from data so that later scope families (Google, Graph) only add entries.
 */
export class ScopeGraph {
  readonly #index = new Map<string, number>();
  /**
   * How a grant's scope names resolve to nodes, per vocabulary: the index, less the names that
   * vocabulary reads as identity scopes (v3 `email` is OpenID's, not the full mailbox).
   */
  readonly #grantIndex = new Map<ScopeVocabulary, ReadonlyMap<string, number>>();
  /** The names a request may use (has()); the graph may know more (provider scopes that bridge in). */
  readonly #requestable: ReadonlySet<string>;
  readonly #closure: ScopeMask[] = [];
  readonly #words: number;
  /** Masks of scope lists seen before, keyed by vocabulary and list: grants repeat the same few lists. */
  readonly #maskCache = new Map<string, ScopeMask>();

  /**
   * `requestable` (default: all of `scopes`) is the closed vocabulary `has()` answers for, so that
   * v2 requests keep naming Nylas scopes only while guards and grants also know provider scopes.
   * `identity` lists, per vocabulary, the names a grant holds as identity scopes: they add no bits.
   */
  constructor(
    scopes: readonly string[],
    implications: Readonly<Record<string, readonly string[]>>,
    requestable: readonly string[] = scopes,
    identity: Readonly<Record<ScopeVocabulary, readonly string[]>> = IDENTITY_SCOPES,
  ) {
    scopes.forEach((s, i) => this.#index.set(s, i));
    for (const vocabulary of SCOPE_VOCABULARIES) {
      const index = new Map(this.#index);
      for (const name of identity[vocabulary]) index.delete(name);
      this.#grantIndex.set(vocabulary, index);
    }
    this.#requestable = new Set(requestable);
    this.#words = Math.max(1, Math.ceil(scopes.length / 32));
    for (const [from, tos] of Object.entries(implications)) {
      for (const to of [from, ...tos]) {
        if (!this.#index.has(to)) throw new TypeError(`grantkit: scope graph names unknown scope "${to}"`);
      }
    }
    for (const scope of scopes) this.#closure.push(this.#close(scope, implications));
  }

  #close(scope: string, implications: Readonly<Record<string, readonly string[]>>): ScopeMask {
    const mask = new Uint32Array(this.#words);
    const seen = new Set<string>();
    const stack = [scope];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      setBit(mask, this.#index.get(s)!);
      stack.push(...(implications[s] ?? []));
    }
    return mask;
  }

  /** Is this a name of the request vocabulary (the v2 scopes for the default graph)? */
  has(scope: string): boolean {
    return this.#requestable.has(scope);
  }

  /** Does the graph know this scope at all (vocabulary or provider scope)? */
  knows(scope: string): boolean {
    return this.#index.has(scope);
  }

  /** The mask of exactly these scopes (no closure): what a guard declares. Unknown names throw. */
  exact(scopes: readonly string[]): ScopeMask {
    const mask = new Uint32Array(this.#words);
    for (const s of scopes) {
      const i = this.#index.get(s);
      if (i === undefined) throw new TypeError(`grantkit: unknown scope "${s}"`);
      setBit(mask, i);
    }
    return mask;
  }

  /**
   * The closure of a grant's scopes, read in the vocabulary the grant was granted in: everything
   * they satisfy. Scopes the graph does not know (open v3 provider strings) and the vocabulary's
   * identity scopes satisfy only themselves and so add no bits.
   */
  closure(scopes: readonly string[], vocabulary: ScopeVocabulary): ScopeMask {
    // JSON keeps lists apart that a plain join would merge (["a b"] and ["a", "b"]).
    const key = `${vocabulary}${JSON.stringify(scopes)}`;
    const cached = this.#maskCache.get(key);
    if (cached) return cached;
    const index = this.#grantIndex.get(vocabulary)!;
    const mask = new Uint32Array(this.#words);
    for (const s of scopes) {
      const i = index.get(s);
      if (i === undefined) continue;
      const c = this.#closure[i]!;
      for (let w = 0; w < mask.length; w++) mask[w]! |= c[w]!;
    }
    // Bounded: distinct scope lists are few in practice, but input is not ours to trust.
    if (this.#maskCache.size > 10_000) this.#maskCache.clear();
    this.#maskCache.set(key, mask);
    return mask;
  }

  /**
   * Does a grant holding `granted` (in `vocabulary`, by default the v2 one) satisfy `scope`?
   * (Convenience; guards use masks.)
   */
  satisfies(granted: readonly string[], scope: string, vocabulary: ScopeVocabulary = 'v2'): boolean {
    const i = this.#index.get(scope);
    if (i === undefined) return granted.includes(scope);
    return testBit(this.closure(granted, vocabulary), i);
  }
}

function setBit(mask: ScopeMask, i: number): void {
  mask[i >>> 5]! |= 1 << (i & 31);
}

function testBit(mask: ScopeMask, i: number): boolean {
  return (mask[i >>> 5]! & (1 << (i & 31))) !== 0;
}

/** True when the two masks share a bit. */
export function intersects(a: ScopeMask, b: ScopeMask): boolean {
  for (let w = 0; w < b.length; w++) if ((a[w]! & b[w]!) !== 0) return true;
  return false;
}

/** True when `a` holds every bit of `b`. */
export function covers(a: ScopeMask, b: ScopeMask): boolean {
  for (let w = 0; w < b.length; w++) if ((a[w]! & b[w]!) !== b[w]!) return false;
  return true;
}

/**
 * The graph of the v2 Nylas vocabulary, built once at module load. It also knows the Google and
 * Graph scopes and their bridges into the vocabulary (provider-*.ts), so a v3 grant holding
 * `gmail.readonly` satisfies `email.read_only`; `has()` still answers for the v2 names only.
 * A grant's scopes are read in its vocabulary (vocabulary.ts): in v3, `email` is OpenID's.
 */
export const v2ScopeGraph: ScopeGraph = new ScopeGraph(
  [...V2_SCOPES, ...PROVIDER_SCOPES],
  { ...V2_IMPLICATIONS, ...PROVIDER_IMPLICATIONS },
  V2_SCOPES,
);
