import type { ScopeVocabulary } from '../scopes/vocabulary.js';

/**
 * What a store keeps. Times are milliseconds since the epoch on the core's clock.
 * Secrets never appear here in the clear: tokens, codes and API keys are SHA-256 hashes,
 * and provider settings are sealed by the keyring (AES-256-GCM, AAD = grant id).
 */
export type GrantStatus = 'valid' | 'invalid';

export interface GrantRecord {
  readonly id: string;
  readonly clientId: string;
  readonly provider: string;
  readonly email: string;
  readonly name: string;
  /** As granted, in the order first requested. */
  readonly scopes: readonly string[];
  readonly status: GrantStatus;
  /** Sealed provider settings (refresh token, password, server settings), or null. */
  readonly settings: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * The vocabulary `scopes` were granted in: `v2` Nylas scopes (where `email` is the full mailbox)
   * or `v3` connector scopes (where `email` is the OpenID identity scope). Every grant grantkit
   * writes has it; a grant stored before it existed has none, and the kit works it out from how
   * the grant was made.
   */
  readonly scopeVocabulary?: ScopeVocabulary;
  /**
   * Who proved the address, and how strongly (see grants/identity.ts). Absent or null on grants
   * stored before grantkit recorded it: they count as unverified until their next sign-in.
   */
  readonly identity?: GrantIdentity | null;
}

/**
 * The identity that proved a grant's address. `subject` names it within its provider family
 * (a provider's stable user id, or an IMAP server and login), so two sign-ins are the same
 * identity exactly when their subjects are equal.
 */
export interface GrantIdentity {
  readonly subject: string;
  /**
   * verified: the provider vouches for the address (an OAuth subject with a verified email, or a
   * login equal to the address on the mail server of its domain). unverified: anything else.
   */
  readonly strength: 'verified' | 'unverified';
  /** How the proof was made: `oauth`, `imap`, `sandbox`, `service_account`, `admin_consent`, `provider`. */
  readonly method: string;
}

/**
 * - access: a bearer token of one grant;
 * - refresh: rotates on use (hosted OAuth);
 * - code: a one-time authorization code (native: 15 minutes);
 * - flow: hosted-OAuth state kept between redirect and callback;
 * - api_key: an application-level bearer with no grant.
 */
export type TokenKind = 'access' | 'refresh' | 'code' | 'flow' | 'api_key';

export interface TokenRecord {
  /** SHA-256 of the token, base64url. The primary key. */
  readonly hash: string;
  readonly kind: TokenKind;
  readonly clientId: string;
  readonly grantId: string | null;
  /** Tokens descended from one code or one refresh chain share a family, so they die together. */
  readonly family: string | null;
  readonly createdAt: number;
  /** Null: lives until revoked (v2 access tokens, API keys without expiry). */
  readonly expiresAt: number | null;
  /** Kind-specific JSON. A code holds the pending authorization; any secret in it is sealed. */
  readonly data: string | null;
  /**
   * The scopes the token was issued with (access and refresh tokens). It acts with these,
   * intersected with its grant's current scopes, so a later sign-in that widens the grant never
   * widens it. Absent or null: the grant's scopes (tokens stored before this was recorded).
   */
  readonly scopes?: readonly string[] | null;
}

export interface Resolved {
  readonly token: TokenRecord;
  /** Null for an API key, or when the grant is gone. */
  readonly grant: GrantRecord | null;
}

export interface Consumed {
  readonly record: TokenRecord;
  /** False when the token had been consumed before: a replay, which the caller answers by revoking its family. */
  readonly firstUse: boolean;
}

export interface GrantFilter {
  readonly clientId?: string;
  readonly email?: string;
  readonly provider?: string;
  readonly status?: GrantStatus;
  /** Bounds on createdAt, inclusive `since`, exclusive `before` (ms). */
  readonly since?: number;
  readonly before?: number;
  readonly sortBy?: 'createdAt' | 'updatedAt';
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  readonly offset?: number;
}

export interface TokenFilter {
  readonly kind: TokenKind;
  readonly clientId?: string;
  readonly grantId?: string;
}

/**
 * A change that may make a cached resolution wrong: a token revoked, a family revoked, or a grant
 * changed or deleted. Stores that can broadcast (PostgreSQL NOTIFY, Redis pub/sub) send these to
 * every instance; a cache drops what they name.
 */
export interface Invalidation {
  readonly tokenHash?: string;
  readonly family?: string;
  readonly grantId?: string;
}

export interface InvalidationListener {
  onInvalidate(event: Invalidation): void;
  /** The broadcast channel went down (false) or came back (true). While it is down, caches must not serve. */
  onStatus?(connected: boolean): void;
}
