import type { ScopeMask } from '../scopes/graph.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { GrantRecord } from '../store/records.js';

/** Where the scope bitset of an authenticated grant hides: guards read it, JSON never shows it. */
export const kScopeMask: unique symbol = Symbol('grantkit.scopeMask');

/**
 * The grant a request was authenticated as: `req.grant` on Express, `ctx.state.grant` on Koa.
 * It never holds provider settings.
 */
export interface Grant extends Pick<GrantRecord, 'id' | 'clientId' | 'provider' | 'email' | 'name' | 'status' | 'createdAt' | 'updatedAt'> {
  /** As granted, in order. Use the guards to ask "does it satisfy X": they know the hierarchy. */
  readonly scopes: readonly string[];
  /**
   * What `scopes` mean: `v2` Nylas scopes, or `v3` connector scopes, where `openid`, `email`,
   * `profile` and `offline_access` only identify the user and satisfy no guard.
   */
  readonly scopeVocabulary: ScopeVocabulary;
  readonly [kScopeMask]: ScopeMask;
}

export function toGrant(record: GrantRecord, scopeVocabulary: ScopeVocabulary, mask: ScopeMask): Grant {
  return Object.freeze({
    id: record.id,
    clientId: record.clientId,
    provider: record.provider,
    email: record.email,
    name: record.name,
    scopes: record.scopes,
    scopeVocabulary,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    [kScopeMask]: mask,
  });
}
