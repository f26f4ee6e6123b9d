import type { ScopeMask } from '../scopes/graph.js';
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
  readonly status: GrantStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly [kScopeMask]: ScopeMask;
}

export function toGrant(record: GrantRecord, mask: ScopeMask): Grant {
  return Object.freeze({
    id: record.id,
    clientId: record.clientId,
    provider: record.provider,
    email: record.email,
    name: record.name,
    scopes: record.scopes,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    [kScopeMask]: mask,
  });
}
