import type { GrantKitErrorCode } from '../errors/error.js';
import type { GrantEventType } from '../events/events.js';

/**
 * The audit trail: one typed event for every decision grantkit makes, handed to the `audit`
 * option. Events name things by id (grant, client, API key) and a token by the first characters
 * of its SHA-256 (`tokenHash`), which identifies it in the store without being usable: they
 * never carry a token, code, password, secret or provider credential.
 */

/** The first characters of a token's SHA-256 (base64url): enough to find it, useless to present. */
export type HashPrefix = string;

/** Which API generation a guarded route belongs to: it decides the error format too. */
export type ApiFamily = 'v2' | 'v3';

/** Fields every event has. */
interface AuditBase {
  /** Milliseconds since the epoch, on the kit's clock. */
  readonly time: number;
}

/** A guard (`requireScopes`, `requireAllScopes`) or `gate()` let a request through or refused it. */
export interface DecisionEvent extends AuditBase {
  readonly type: 'auth.decision';
  readonly outcome: 'allow' | 'deny';
  readonly guard: 'requireScopes' | 'requireAllScopes' | 'gate';
  readonly family: ApiFamily;
  /** The request's method (absent from `kit.authorize()`, which is not told it) and path, without its query string. */
  readonly route: { readonly method?: string; readonly path: string };
  /** The scopes the guard was declared with (empty: any valid token passes). */
  readonly required: readonly string[];
  /** The scopes the token acts with, when it was a valid token. */
  readonly held?: readonly string[];
  readonly grantId?: string;
  readonly clientId?: string;
  readonly tokenHash?: HashPrefix;
  /** Why it was refused: the error's code (`insufficient_scope`, `invalid_token`...). */
  readonly reason?: GrantKitErrorCode;
  /** The status the refusal is answered with. */
  readonly status?: number;
}

/** An access or refresh token was issued (sign-in, code exchange, refresh). */
export interface TokenIssuedEvent extends AuditBase {
  readonly type: 'token.issued';
  readonly kind: 'access' | 'refresh';
  readonly grantId: string;
  readonly clientId: string;
  readonly tokenHash: HashPrefix;
  /** The code or refresh chain the token descends from, when it has one. */
  readonly family?: HashPrefix;
  /** Null: lives until revoked. */
  readonly expiresAt: number | null;
  readonly scopes: readonly string[];
}

/** A refresh token was rotated: the old one is spent and `tokenHash` took its place. */
export interface TokenRefreshedEvent extends AuditBase {
  readonly type: 'token.refreshed';
  readonly grantId: string;
  readonly clientId: string;
  readonly tokenHash: HashPrefix;
  readonly previousHash: HashPrefix;
  readonly family: HashPrefix;
}

/** One token was revoked at a revocation endpoint. */
export interface TokenRevokedEvent extends AuditBase {
  readonly type: 'token.revoked';
  readonly kind: 'access' | 'refresh';
  readonly grantId: string | null;
  readonly clientId: string;
  readonly tokenHash: HashPrefix;
}

/** Which sign-in a code, or a sign-in event, belongs to. */
export type SignInFlow = 'native' | 'custom' | 'hosted';

export interface CodeIssuedEvent extends AuditBase {
  readonly type: 'code.issued';
  readonly flow: 'native' | 'hosted';
  readonly clientId: string;
  readonly codeHash: HashPrefix;
  readonly expiresAt: number;
}

export interface CodeRedeemedEvent extends AuditBase {
  readonly type: 'code.redeemed';
  readonly flow: 'native' | 'hosted';
  readonly clientId: string;
  readonly grantId: string;
  readonly codeHash: HashPrefix;
}

/** A code was presented a second time: refused, and every token of its first redemption revoked. */
export interface CodeReplayedEvent extends AuditBase {
  readonly type: 'code.replayed';
  readonly flow: 'native' | 'hosted';
  /** The client the code was issued to. */
  readonly clientId: string;
  readonly codeHash: HashPrefix;
}

/** Why every token of a code or refresh chain was revoked. */
export type FamilyRevocation = 'code_replayed' | 'refresh_replayed' | 'refresh_wrong_client' | 'grant_not_valid' | 'token_revoked';

export interface FamilyRevokedEvent extends AuditBase {
  readonly type: 'family.revoked';
  readonly family: HashPrefix;
  readonly reason: FamilyRevocation;
  /** How many tokens the store removed. */
  readonly tokens: number;
}

interface SignInBase extends AuditBase {
  readonly flow: SignInFlow;
  /** Absent only when a provider's callback names no sign-in grantkit knows. */
  readonly api?: ApiFamily;
  readonly clientId?: string;
  /** The provider the user signs in with, once known. */
  readonly provider?: string;
}

/** A sign-in began: native and custom authentication, or a hosted authorization request. */
export interface SignInStartedEvent extends SignInBase {
  readonly type: 'signin.started';
}

/** The provider vouched for the user: a code (native, hosted) or a grant (custom, hosted implicit) was issued. */
export interface SignInSucceededEvent extends SignInBase {
  readonly type: 'signin.succeeded';
  /** The grant signed in to, when it is known at this step (native codes and custom authentication). */
  readonly grantId?: string;
}

export interface SignInFailedEvent extends SignInBase {
  readonly type: 'signin.failed';
  readonly reason: GrantKitErrorCode | 'access_denied' | 'flow_invalid';
}

export interface ApiKeyEvent extends AuditBase {
  readonly type: 'apikey.created' | 'apikey.used' | 'apikey.revoked';
  /** The key's public id (`key_…`), never the key. */
  readonly keyId: string;
  readonly clientId: string;
}

/** A request refused with 429 by one of the brute-force limits. */
export interface RateLimitEvent extends AuditBase {
  readonly type: 'ratelimit.refused';
  readonly limit: 'loginPerAddressAndIp' | 'loginPerAddress' | 'loginPerIp' | 'secretPerIp' | 'detectPerClient';
  readonly ip?: string;
  readonly clientId?: string;
}

/** The store stopped answering (requests get 503), or answered again. */
export interface StoreHealthEvent extends AuditBase {
  readonly type: 'store.outage' | 'store.recovered';
  /** `grants` (grants and tokens) or `connectors`. */
  readonly store: 'grants' | 'connectors';
  /** The call that failed first, or succeeded first again. */
  readonly operation: string;
  /** store.outage: `timeout` or `error`. */
  readonly cause?: 'timeout' | 'error';
  /** store.recovered: how long the store was down. */
  readonly downMs?: number;
}

/** A grant lifecycle event (the same ones webhooks deliver), as the audit trail records it. */
export interface GrantLifecycleEvent extends AuditBase {
  readonly type: GrantEventType;
  readonly grantId: string;
  readonly clientId: string;
  readonly provider: string;
  readonly reauthentication?: boolean;
}

/** Every event the `audit` option receives; switch on `type`. */
export type AuditEvent =
  | DecisionEvent
  | TokenIssuedEvent
  | TokenRefreshedEvent
  | TokenRevokedEvent
  | CodeIssuedEvent
  | CodeRedeemedEvent
  | CodeReplayedEvent
  | FamilyRevokedEvent
  | SignInStartedEvent
  | SignInSucceededEvent
  | SignInFailedEvent
  | ApiKeyEvent
  | RateLimitEvent
  | StoreHealthEvent
  | GrantLifecycleEvent;

export type AuditEventType = AuditEvent['type'];

/** The `audit` option: sync or async; whatever it throws or rejects with goes to the logger, never to the request. */
export type AuditSink = (event: AuditEvent) => void | Promise<void>;

/** An event as a part of grantkit writes it: the trail stamps the time. */
export type AuditEventInput = WithoutTime<AuditEvent>;

/** Distributes over the union, so each member keeps its own fields. */
type WithoutTime<E> = E extends AuditEvent ? Omit<E, 'time'> : never;
