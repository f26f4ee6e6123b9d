import { publicId } from '../apikeys.js';
import { accessTokenOf, plainBearer, readAuthorization } from '../auth/credentials.js';
import { hashSecret } from '../crypto/tokens.js';
import { bearerChallenge } from '../errors/challenges.js';
import { GrantKitError, isGrantKitError } from '../errors/error.js';
import { CREDENTIALS_MESSAGE } from '../errors/messages.js';
import { grantAccessDenied, grantNotFound, meNeedsAccessToken } from '../grants/errors.js';
import type { Grant } from '../grants/grant.js';
import { decideNaming, type GrantNaming } from '../grants/ownership.js';
import { TokenGrants } from '../grants/token-scopes.js';
import { vocabularyOfGrantRemembered } from '../grants/vocabulary.js';
import { isV3Path } from '../http/path-shape.js';
import { httpsViolation, type TransportLike } from '../http/transport.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { storeUnavailable } from '../store/fail-closed.js';
import type { GrantRecord, Resolved, TokenRecord } from '../store/records.js';
import type { MaybePromise } from '../store/store.js';
import type { KitFoundation } from './foundation.js';
import { notReady, type Readiness } from './readiness.js';

/** What authentication gives: the grant, or the error to answer with. Errors are returned, not thrown, on the hot path. */
export type AuthOutcome = Grant | GrantKitError;

/**
 * Who is calling an application-level route: an API key (any grant of its client) or an access
 * token (its own grant only). For an access token, `grant` is the stored record, with the grant's
 * scopes; `scopes` are the ones the token acts with (grants/token-scopes.ts), which is what a route
 * reports to it.
 */
export type AppCaller =
  | { readonly kind: 'api_key'; readonly clientId: string; readonly token: TokenRecord }
  | {
      readonly kind: 'access';
      readonly clientId: string;
      readonly token: TokenRecord;
      readonly grant: GrantRecord;
      readonly scopes: readonly string[];
    };

/** What a bearer request carries besides its Authorization header. */
export interface BearerRequest {
  /** The full request target: the grant it names (`…/grants/{grant}/…`) is checked against the caller. */
  readonly url: string;
  readonly transport?: TransportLike | undefined;
  /** The grant the URL or route parameters name (grants/ownership.ts), if any. */
  readonly naming?: GrantNaming | undefined;
  /** A credential sent where it must not be (auth/placement.ts): answered before anything else. */
  readonly misplaced?: GrantKitError | undefined;
  /**
   * Where the client's address is read, and only when a decision needs it (an unknown v3 bearer
   * counts against it): Express computes `req.ip` from its trust-proxy setting on every read.
   */
  readonly client?: { readonly ip?: string | undefined } | undefined;
  /** Told the token's hash once it is computed, so that an audit of the decision need not hash the token again. */
  readonly hashed?: ((hash: string) => void) | undefined;
}

/**
 * Bearer tokens and API keys to grants. Synchronous when the store answers synchronously (memory,
 * SQLite), so the common path costs a hash and two Map reads.
 */
export class Authentication {
  readonly #f: KitFoundation;
  readonly #limits: RateLimits;
  readonly #readiness: Readiness;
  /** The Grant objects requests act as, per stored record and token scope list. */
  readonly #grants: TokenGrants;
  readonly #missingChallenge: string;
  readonly #invalidChallenge: string;

  constructor(foundation: KitFoundation, limits: RateLimits, readiness: Readiness) {
    this.#f = foundation;
    this.#limits = limits;
    this.#readiness = readiness;
    this.#grants = new TokenGrants(foundation.graph, vocabularyOfGrantRemembered(foundation.keyring));
    this.#missingChallenge = bearerChallenge(foundation.options.realm);
    this.#invalidChallenge = bearerChallenge(foundation.options.realm, 'invalid_token');
  }

  /** The grant a request's bearer token acts as, or the error to answer with. */
  bearer(authorization: string | string[] | undefined, req: BearerRequest): MaybePromise<AuthOutcome> {
    if (!this.#readiness.started) return notReady();
    const v3 = isV3Path(req.url); // two substring tests on a v2 path
    if (v3 && this.#f.options.requireHttps) {
      const refused = httpsViolation({ required: true }, req.transport);
      if (refused) return refused;
    }
    if (req.misplaced !== undefined) return req.misplaced;
    let token = plainBearer(authorization);
    if (token === undefined) {
      const cred = readAuthorization(authorization);
      if (cred.kind === 'none') return this.missing();
      // v3 is bearer-only: Basic there is refused even when it carries a good token.
      token = cred.kind === 'basic' && v3 ? undefined : accessTokenOf(cred);
      if (token === undefined) return this.invalid();
    }
    const now = this.#f.now();
    let resolved: MaybePromise<Resolved | undefined>;
    const hash = hashSecret(token);
    req.hashed?.(hash);
    try {
      resolved = this.#f.store.resolve(hash, now);
    } catch (e) {
      return this.#storeFailed(e);
    }
    const known = token;
    if (resolved instanceof Promise) {
      return resolved.then(
        (r) => this.#answer(r, now, known, v3, req),
        (e: unknown) => this.#storeFailed(e),
      );
    }
    // The synchronous path (memory, SQLite) allocates no closure.
    return this.#answer(resolved, now, known, v3, req);
  }

  /**
   * What a resolution means for the request. v3 paths take API keys: a token the store does not
   * know counts against the IP (only then is a limiter read). One it knows but refuses (expired,
   * revoked, grant invalid) does not.
   */
  #answer(r: Resolved | undefined, now: number, token: string, v3: boolean, req: BearerRequest): MaybePromise<AuthOutcome> {
    if (v3 && r === undefined) return this.#unknownBearer(token, req.client?.ip ?? req.transport?.socket?.remoteAddress);
    return req.naming !== undefined ? this.#grantPathOutcome(r, now, req.naming) : this.#toOutcome(r, now);
  }

  /**
   * Authenticates an application-level v3 request (the grants, connectors and connect routes):
   * Bearer only, an API key or an access token.
   */
  async app(authorization: string | string[] | undefined, ip?: string): Promise<AppCaller | GrantKitError> {
    // The HTTPS rule was applied by the route runner, which every one of grantkit's own routes goes through.
    const cred = readAuthorization(authorization);
    if (cred.kind === 'none') return this.missing();
    if (cred.kind !== 'bearer') return this.invalid();
    const now = this.#f.now();
    let r: Resolved | undefined;
    try {
      r = await this.#f.store.resolve(hashSecret(cred.token), now);
    } catch (e) {
      return this.#storeFailed(e);
    }
    if (r === undefined) return this.#unknownBearer(cred.token, ip);
    if (r.token.expiresAt !== null && r.token.expiresAt <= now) return this.invalid();
    if (r.token.kind === 'api_key') {
      this.#keyUsed(r.token);
      return { kind: 'api_key', clientId: r.token.clientId, token: r.token };
    }
    if (r.token.kind === 'access' && r.grant !== null && r.grant.status === 'valid') {
      const scopes = this.#grants.ofToken(r.grant, r.token.scopes).scopes;
      return { kind: 'access', clientId: r.token.clientId, token: r.token, grant: r.grant, scopes };
    }
    return this.invalid();
  }

  /**
   * The grant as one of its tokens acts on it: `scopes` are the token's own within the grant's
   * (grants/token-scopes.ts). Every place that reports or enforces what a token may do asks here.
   */
  grantOfToken(record: GrantRecord, token: Pick<TokenRecord, 'scopes'>): Grant {
    return this.#grants.ofToken(record, token.scopes);
  }

  /** 401 for a request that carries no credentials, with the Bearer challenge. */
  missing(): GrantKitError {
    return new GrantKitError('missing_credentials', CREDENTIALS_MESSAGE, { headers: { 'www-authenticate': this.#missingChallenge } });
  }

  /** 401 for credentials that are not good, with the `invalid_token` challenge. */
  invalid(): GrantKitError {
    return new GrantKitError('invalid_token', CREDENTIALS_MESSAGE, { headers: { 'www-authenticate': this.#invalidChallenge } });
  }

  /**
   * A request that names a grant (grants/ownership.ts decides who may): an access token reaches
   * only its own grant, anything else is 403 without looking the other grant up, so a token
   * cannot probe which addresses have grants. An API key may name any grant of its client, but
   * not `me`; an unknown grant is 404.
   */
  #grantPathOutcome(r: Resolved | undefined, now: number, naming: GrantNaming): MaybePromise<AuthOutcome> {
    if (r === undefined || (r.token.expiresAt !== null && r.token.expiresAt <= now)) return this.invalid();
    if (r.token.kind === 'access') {
      const own = this.#toOutcome(r, now);
      if (own instanceof GrantKitError) return own;
      const decision = decideNaming(naming, { kind: 'access', grant: own });
      return decision.kind === 'own' ? own : grantAccessDenied(decision.kind === 'denied' ? decision.reason : 'other');
    }
    if (r.token.kind !== 'api_key') return this.invalid();
    this.#keyUsed(r.token);
    const decision = decideNaming(naming, { kind: 'api_key' });
    if (decision.kind === 'not_found') return grantNotFound();
    if (decision.kind === 'denied') return grantAccessDenied(decision.reason);
    if (decision.kind === 'me_with_key') return meNeedsAccessToken();
    if (decision.kind !== 'lookup') return this.invalid();
    const ref = decision.ref;
    const clientId = r.token.clientId;
    const lookup = ref.kind === 'id' ? this.#f.store.getGrant(ref.id) : this.#f.store.findGrantByEmail(clientId, ref.email);
    return lookup.then(
      (record) => {
        if (!record || record.clientId !== clientId) return grantNotFound();
        // An invalid or expired grant answers 401 on data calls until the user re-authenticates.
        if (record.status !== 'valid') return new GrantKitError('invalid_token', 'The grant is no longer valid; the user must re-authenticate.');
        return this.#grants.ofGrant(record);
      },
      (e: unknown) => this.#storeFailed(e),
    );
  }

  #toOutcome(r: Resolved | undefined, now: number): AuthOutcome {
    // Expiry and status are re-checked here so a third-party store cannot let a dead token through.
    if (r === undefined || r.grant === null || r.token.kind !== 'access') return this.invalid();
    if (r.token.expiresAt !== null && r.token.expiresAt <= now) return this.invalid();
    const record = r.grant;
    if (record.status !== 'valid') return this.invalid();
    // A small frozen object per resolution; its scope bitset comes from a memo keyed by the scope
    // list (grants/token-scopes.ts), so nothing here grows with the number of tokens or grants.
    return this.#grants.ofToken(record, r.token.scopes);
  }

  /**
   * A bearer token `resolve` did not return: counted per IP (429 once the IP is over its limit),
   * unless the store knows it (held but expired, or revoked within the tombstone retention), which
   * makes it a known token, not a guess. Only this failure branch reads the tombstones.
   */
  async #unknownBearer(token: string, ip: string | undefined): Promise<GrantKitError> {
    try {
      const known = this.#f.store.knows === undefined ? false : await this.#f.store.knows(hashSecret(token));
      if (known) return this.invalid();
      return (await this.#limits.unknownBearer(ip)) ?? this.invalid();
    } catch (e) {
      return this.#storeFailed(e);
    }
  }

  /** An API key authenticated a request: the audit trail names it by its public id. */
  #keyUsed(token: TokenRecord): void {
    this.#f.audit?.emit({ type: 'apikey.used', keyId: publicId(token.hash), clientId: token.clientId });
  }

  #storeFailed(e: unknown): GrantKitError {
    const err = isGrantKitError(e) ? e : storeUnavailable(e);
    this.#f.options.onError(err.cause ?? err);
    return err;
  }
}
