import { invalidationPayload } from '../broadcast.js';
import type { Consumed, Resolved, TokenFilter, TokenRecord } from '../records.js';
import type { KnowingTokenPart } from '../store-of-parts.js';
import { REVOKED_FAMILY_RETENTION_MS, REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import { consumed, parseGrant, parseToken, strings, tokenJson } from './codec.js';
import type { Arg, RedisConnection } from './connection.js';
import { SCRIPTS } from './scripts.js';

/** How long after its logical expiry the server keeps a token key (see the layout in store.ts). */
const GC_GRACE_MS = 60 * 60 * 1000;

/**
 * The tokens of a RedisStore. Expiry is decided by the `now` argument; the scripts run atomically,
 * which makes consume, rotate and the revoked-family check safe across instances.
 */
export class RedisTokens implements KnowingTokenPart<Promise<Resolved | undefined>> {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async putToken(token: TokenRecord): Promise<void> {
    await this.#connection.run(SCRIPTS.putToken, tokenArgs(token));
  }

  async resolve(hash: string, now: number): Promise<Resolved | undefined> {
    const reply = await this.#connection.run(SCRIPTS.resolve, [hash, now]);
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
    const grant: unknown = reply[1];
    return { token: parseToken(reply[0]), grant: typeof grant === 'string' ? parseGrant(grant) : null };
  }

  async consume(hash: string, now: number): Promise<Consumed | undefined> {
    return consumed(await this.#connection.run(SCRIPTS.consume, [hash, now]));
  }

  async rotate(oldHash: string, next: TokenRecord, now: number): Promise<Consumed | undefined> {
    return consumed(await this.#connection.run(SCRIPTS.rotate, [oldHash, now, ...tokenArgs(next)]));
  }

  /** Held or buried: one EXISTS over both keys. */
  async knows(hash: string): Promise<boolean> {
    await this.#connection.ready();
    return (await this.#connection.redis.exists(this.#connection.key('t:' + hash), this.#connection.key('rt:' + hash))) > 0;
  }

  async revokeToken(hash: string): Promise<TokenRecord | undefined> {
    const json = await this.#connection.run(SCRIPTS.revokeToken, [hash, invalidationPayload({ tokenHash: hash }), REVOKED_TOKEN_RETENTION_MS]);
    return typeof json === 'string' ? parseToken(json) : undefined;
  }

  async revokeFamily(family: string, now: number = Date.now()): Promise<number> {
    const args = [family, now, REVOKED_FAMILY_RETENTION_MS, invalidationPayload({ family }), REVOKED_TOKEN_RETENTION_MS];
    return Number(await this.#connection.run(SCRIPTS.revokeFamily, args));
  }

  async revokeGrantTokens(grantId: string): Promise<number> {
    const args = ['tg:' + grantId, invalidationPayload({ grantId }), REVOKED_TOKEN_RETENTION_MS];
    return Number(await this.#connection.run(SCRIPTS.revokeIndexed, args));
  }

  async listTokens(filter: TokenFilter): Promise<TokenRecord[]> {
    const key = filter.grantId === undefined ? 'tk:' + filter.kind : 'tg:' + filter.grantId;
    const list = strings(await this.#connection.run(SCRIPTS.listTokens, [key])).map(parseToken);
    return list
      .filter(
        (t) =>
          t.kind === filter.kind &&
          (filter.clientId === undefined || t.clientId === filter.clientId) &&
          (filter.grantId === undefined || t.grantId === filter.grantId),
      )
      .sort((a, b) => a.createdAt - b.createdAt || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  }
}

/** ARGV of putToken (and the tail of rotate's): the server TTL is the lifetime plus the grace. */
function tokenArgs(t: TokenRecord): Arg[] {
  const ttl = t.expiresAt === null ? '' : Math.max(t.expiresAt - t.createdAt, 0) + GC_GRACE_MS;
  return [t.hash, tokenJson(t), t.kind, t.grantId ?? '', t.family ?? '', t.expiresAt ?? '', ttl];
}
