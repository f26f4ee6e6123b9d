import type { Consumed, GrantFilter, GrantRecord, Resolved, TokenFilter, TokenRecord } from './records.js';
import type { MaybePromise, Store } from './store.js';

/** What `resolve` may answer: the memory and SQLite stores answer synchronously, the others with a Promise. */
export type Resolution = MaybePromise<Resolved | undefined>;

/** The grant half of the Store interface: whatever answers it can stand behind a DelegatingStore. */
export type GrantPart = Pick<Store, 'getGrant' | 'findGrantByEmail' | 'putGrant' | 'deleteGrant' | 'listGrants'>;

/** The token half of the Store interface, with `resolve` answering `R`. */
export type TokenPart<R extends Resolution> = Pick<
  Store,
  'putToken' | 'consume' | 'rotate' | 'revokeToken' | 'revokeFamily' | 'revokeGrantTokens' | 'listTokens'
> & {
  resolve(...args: Parameters<Store['resolve']>): R;
};

/**
 * A Store whose every method hands the call to the part that answers it: the grant part or the
 * token part. The built-in stores pass the parts they are made of (store-of-parts.ts); the grant
 * cache passes the store it stands in front of, twice, and overrides what it adds to. `R` is what
 * `resolve` answers, so a store whose part answers synchronously keeps saying so in its type.
 */
export abstract class DelegatingStore<R extends Resolution> implements Store {
  readonly #grants: GrantPart;
  readonly #tokens: TokenPart<R>;

  protected constructor(grants: GrantPart, tokens: TokenPart<R>) {
    this.#grants = grants;
    this.#tokens = tokens;
  }

  getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.#grants.getGrant(id);
  }

  findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    return this.#grants.findGrantByEmail(clientId, email);
  }

  putGrant(grant: GrantRecord): Promise<void> {
    return this.#grants.putGrant(grant);
  }

  deleteGrant(id: string): Promise<boolean> {
    return this.#grants.deleteGrant(id);
  }

  listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    return this.#grants.listGrants(filter);
  }

  putToken(token: TokenRecord): Promise<void> {
    return this.#tokens.putToken(token);
  }

  resolve(hash: string, now: number): R {
    return this.#tokens.resolve(hash, now);
  }

  consume(hash: string, now: number): Promise<Consumed | undefined> {
    return this.#tokens.consume(hash, now);
  }

  rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return this.#tokens.rotate(oldHash, next, now);
  }

  revokeToken(hash: string): Promise<TokenRecord | undefined> {
    return this.#tokens.revokeToken(hash);
  }

  revokeFamily(family: string, now?: number): Promise<number> {
    return this.#tokens.revokeFamily(family, now);
  }

  revokeGrantTokens(grantId: string): Promise<number> {
    return this.#tokens.revokeGrantTokens(grantId);
  }

  listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    return this.#tokens.listTokens(filter);
  }
}
