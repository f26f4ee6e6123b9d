import { covers, type ScopeGraph, type ScopeMask } from '../scopes/graph.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { GrantRecord } from '../store/records.js';
import { type Grant, toGrant } from './grant.js';

/**
 * The scopes a token acts with: the ones it was issued with (`TokenRecord.scopes`), within its
 * grant's current scopes. A later sign-in that widens the grant never widens an older token, and
 * one that narrows the grant narrows every token. A token that recorded none (stored before tokens
 * recorded their scopes) acts with the grant's.
 *
 * The list is what the token is reported to have (v2 token-info, v3 tokeninfo, `/v3/grants/me`,
 * the 403 text, a refresh's `scope`): its own scopes the grant still satisfies, in the token's
 * order, then the grant's scopes the token satisfies, so a token issued with `email.modify` on a
 * grant narrowed to `email.read_only` reports `email.read_only`. Scopes the graph does not know
 * (open provider strings) and the vocabulary's identity scopes (v3 `openid`, `email`) match only
 * literally. Guards test a bitset, which is exact; the list may omit a scope that two unrelated
 * scopes both imply, so it never claims more than the token may do.
 */
export function actingScopes(
  graph: ScopeGraph,
  grantScopes: readonly string[],
  tokenScopes: readonly string[] | null | undefined,
  vocabulary: ScopeVocabulary,
): readonly string[] {
  if (tokenScopes === null || tokenScopes === undefined || sameList(tokenScopes, grantScopes)) return grantScopes;
  return narrowed(graph, grantScopes, tokenScopes, vocabulary).scopes;
}

/** What a token acts with when it recorded other scopes than its grant's: the list, and the guards' bitset. */
function narrowed(
  graph: ScopeGraph,
  grantScopes: readonly string[],
  tokenScopes: readonly string[],
  vocabulary: ScopeVocabulary,
): { readonly scopes: readonly string[]; readonly mask: ScopeMask } {
  const grantMask = graph.closure(grantScopes, vocabulary);
  const tokenMask = graph.closure(tokenScopes, vocabulary);
  const listed = new Set<string>();
  for (const s of tokenScopes) if (holds(graph, grantScopes, grantMask, s, vocabulary)) listed.add(s);
  for (const s of grantScopes) if (holds(graph, tokenScopes, tokenMask, s, vocabulary)) listed.add(s);
  // The bitset is exact: everything both the token's and the grant's scopes satisfy.
  const mask = new Uint32Array(grantMask.length);
  for (let w = 0; w < mask.length; w++) mask[w] = grantMask[w]! & tokenMask[w]!;
  return { scopes: Object.freeze([...listed]), mask };
}

/** The same list in the same order: the token was issued with the grant's scopes as they are now. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Does a holder of `held` (whose closure is `heldMask`) have `scope`, read in `vocabulary`? */
function holds(graph: ScopeGraph, held: readonly string[], heldMask: ScopeMask, scope: string, vocabulary: ScopeVocabulary): boolean {
  if (held.includes(scope)) return true;
  // Unknown names and identity scopes close over nothing: only the literal test above applies.
  const own = graph.closure([scope], vocabulary);
  return !isEmpty(own) && covers(heldMask, own);
}

function isEmpty(mask: ScopeMask): boolean {
  for (let w = 0; w < mask.length; w++) if (mask[w] !== 0) return false;
  return true;
}

/** What a token whose list differs from its grant's acts with. */
type Narrowed = ReturnType<typeof narrowed>;

/** What is known of one scope list: its closure in each vocabulary, and the lists tokens narrow it to. */
interface ListFacts {
  v2?: ScopeMask;
  v3?: ScopeMask;
  /** By vocabulary and the token's list (JSON, which keeps ["a b"] and ["a", "b"] apart). */
  readonly narrowed: Map<string, Narrowed>;
  /** By the token's list itself, when it is frozen: a store that keeps one array per list hands it out again. */
  readonly narrowedByList: WeakMap<readonly string[], { v2?: Narrowed; v3?: Narrowed }>;
}

/** Lists remembered by content, for stores that hand out a new array on every read; cleared when full. */
const MAX_LISTS_BY_CONTENT = 4096;
/** Token scope lists remembered per grant scope list; cleared when full. */
const MAX_NARROWED = 64;

/**
 * The `Grant` objects requests are authenticated as (`req.grant`), one per resolution: a small
 * frozen object whose scope bitset comes from a memo keyed by the grant's scope list, not by the
 * record. The memory store hands out one shared array per distinct list, so at any number of grants
 * the memo is a handful of entries and each request costs one WeakMap read; a store that parses a
 * new array per read is answered by content, from a bounded map. The kit holds one; nothing else
 * builds them.
 */
export class TokenGrants {
  readonly #graph: ScopeGraph;
  readonly #vocabularyOf: (record: GrantRecord) => ScopeVocabulary;
  /** By list identity: only frozen lists, which their store keeps and hands out again. */
  readonly #byList = new WeakMap<readonly string[], ListFacts>();
  readonly #byContent = new Map<string, ListFacts>();

  constructor(graph: ScopeGraph, vocabularyOf: (record: GrantRecord) => ScopeVocabulary) {
    this.#graph = graph;
    this.#vocabularyOf = vocabularyOf;
  }

  /** The grant with its own scopes: what an API key naming it acts with. */
  ofGrant(record: GrantRecord): Grant {
    const vocabulary = this.#vocabularyOf(record);
    const facts = this.#facts(record.scopes);
    const mask = (facts[vocabulary] ??= this.#graph.closure(record.scopes, vocabulary));
    return toGrant(record, vocabulary, mask);
  }

  /** The grant as a token of it acts: `scopes` and the guards' bitset are the token's (actingScopes()). */
  ofToken(record: GrantRecord, tokenScopes: readonly string[] | null | undefined): Grant {
    if (tokenScopes === null || tokenScopes === undefined || tokenScopes === record.scopes || sameList(tokenScopes, record.scopes)) {
      return this.ofGrant(record);
    }
    const vocabulary = this.#vocabularyOf(record);
    const facts = this.#facts(record.scopes);
    // A frozen list (the memory store's interned lists, a cache's frozen entries) is found by
    // identity, without building its JSON key on every request.
    const frozen = Object.isFrozen(tokenScopes);
    const byList = frozen ? facts.narrowedByList.get(tokenScopes) : undefined;
    let acting = byList?.[vocabulary];
    if (acting === undefined) {
      acting = this.#narrowedByContent(facts, record.scopes, tokenScopes, vocabulary);
      if (frozen) facts.narrowedByList.set(tokenScopes, { ...byList, [vocabulary]: acting });
    }
    return toGrant({ ...record, scopes: acting.scopes }, vocabulary, acting.mask);
  }

  #narrowedByContent(facts: ListFacts, grantScopes: readonly string[], tokenScopes: readonly string[], vocabulary: ScopeVocabulary): Narrowed {
    const byToken = facts.narrowed;
    const key = vocabulary + JSON.stringify(tokenScopes);
    let acting = byToken.get(key);
    if (acting === undefined) {
      acting = narrowed(this.#graph, grantScopes, tokenScopes, vocabulary);
      // Bounded: a scope list sees few distinct token scope lists.
      if (byToken.size >= MAX_NARROWED) byToken.clear();
      byToken.set(key, acting);
    }
    return acting;
  }

  #facts(scopes: readonly string[]): ListFacts {
    let facts = this.#byList.get(scopes);
    if (facts !== undefined) return facts;
    const key = JSON.stringify(scopes);
    facts = this.#byContent.get(key);
    if (facts === undefined) {
      if (this.#byContent.size >= MAX_LISTS_BY_CONTENT) this.#byContent.clear();
      this.#byContent.set(key, (facts = { narrowed: new Map(), narrowedByList: new WeakMap() }));
    }
    if (Object.isFrozen(scopes)) this.#byList.set(scopes, facts);
    return facts;
  }
}
