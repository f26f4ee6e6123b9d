import { GrantKitError } from './errors/error.js';
import { insufficientScopeMessage } from './errors/messages.js';
import { bearerChallenge } from './errors/challenges.js';
import { kScopeMask, type Grant } from './grants/grant.js';
import { covers, intersects, type ScopeGraph, type ScopeMask } from './scopes/graph.js';

export type GuardMode = 'any' | 'all';

/**
 * A scope requirement compiled once: `requireScopes` passes when the grant satisfies at least one
 * of the scopes, `requireAllScopes` when it satisfies all. At request time it is a bitset test
 * against the grant's closure, with no parsing and no allocation on the passing path.
 */
export class ScopeGuard {
  readonly mode: GuardMode;
  readonly scopes: readonly string[];
  /** Compiled from an endpoint table row (`gate()`) rather than `requireScopes()`. */
  readonly fromTable: boolean;
  readonly #mask: ScopeMask;
  readonly #challenge: string;

  /**
   * `denyAll` builds the guard of an endpoint-table row that no scope admits; otherwise an empty
   * list is an app bug (it would read as "no requirement"), caught at start-up.
   */
  constructor(graph: ScopeGraph, realm: string, mode: GuardMode, scopes: readonly string[], denyAll = false) {
    const flat = scopes.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    if (flat.length === 0 && !denyAll) throw new TypeError('grantkit: requireScopes() needs at least one scope');
    this.mode = mode;
    this.fromTable = denyAll;
    this.scopes = Object.freeze([...new Set(flat)]);
    this.#mask = graph.exact(this.scopes);
    this.#challenge = bearerChallenge(realm, 'insufficient_scope', this.scopes);
  }

  /** Undefined when the grant passes; the 403 otherwise. */
  check(grant: Grant): GrantKitError | undefined {
    const mask = grant[kScopeMask];
    const ok = this.mode === 'any' ? intersects(mask, this.#mask) : covers(mask, this.#mask);
    if (ok) return undefined;
    return new GrantKitError('insufficient_scope', insufficientScopeMessage(grant.scopes, this.scopes, this.mode), {
      headers: { 'www-authenticate': this.#challenge },
    });
  }
}
