import type { ScopeMask } from '../scopes/graph.js';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { GrantRecord, GrantStatus } from '../store/records.js';

/** Where the scope bitset of an authenticated grant hides: guards read it, JSON never shows it. */
export const kScopeMask: unique symbol = Symbol('grantkit.scopeMask');

/**
 * The grant a request was authenticated as: `req.grant` on Express, `ctx.state.grant` on Koa.
 * It never holds provider settings.
 */
export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly provider: string;
  readonly email: string;
  readonly name: string;
  /** As granted, in order. Use the guards to ask "does it satisfy X": they know the hierarchy. */
  readonly scopes: readonly string[];
  /**
   * What `scopes` mean: `v2` Nylas scopes, or `v3` connector scopes, where `openid`, `email`,
   * `profile` and `offline_access` only identify the user and satisfy no guard.
   */
  readonly scopeVocabulary: ScopeVocabulary;
  readonly status: GrantStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
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
