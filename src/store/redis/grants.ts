import { invalidationPayload } from '../broadcast.js';
import { applyGrantFilter } from '../filter.js';
import type { GrantPart } from '../delegating-store.js';
import type { GrantFilter, GrantRecord } from '../records.js';
import { REVOKED_TOKEN_RETENTION_MS } from '../revoked-family.js';
import { emailField, grantJson, parseGrant, strings } from './codec.js';
import type { RedisConnection } from './connection.js';
import { SCRIPTS } from './scripts.js';

/** The grants of a RedisStore: a hash per grant, an email index and sorted sets by creation time. */
export class RedisGrants implements GrantPart {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    await this.#connection.ready();
    const json = await this.#connection.redis.hget(this.#connection.key('g:' + id), 'j');
    return json === null ? undefined : parseGrant(json);
  }

  async findGrantByEmail(clientId: string, email: string): Promise<GrantRecord | undefined> {
    const json = await this.#connection.run(SCRIPTS.grantByEmail, [emailField(clientId, email)]);
    return typeof json === 'string' ? parseGrant(json) : undefined;
  }

  async putGrant(grant: GrantRecord): Promise<void> {
    await this.#connection.run(SCRIPTS.putGrant, [
      grant.id,
      grantJson(grant),
      emailField(grant.clientId, grant.email),
      grant.clientId,
      grant.createdAt,
      invalidationPayload({ grantId: grant.id }),
    ]);
  }

  /** The grant and its tokens in one script, the access tokens leaving their tombstones. */
  async deleteGrant(id: string): Promise<boolean> {
    const deleted = await this.#connection.run(SCRIPTS.deleteGrant, [id, invalidationPayload({ grantId: id }), REVOKED_TOKEN_RETENTION_MS]);
    return deleted === 1;
  }

  async listGrants(filter: GrantFilter): Promise<GrantRecord[]> {
    // The sorted set narrows by client and creation time on the server; the rest is filtered here.
    const zset = filter.clientId === undefined ? 'grants' : 'gc:' + filter.clientId;
    const min = filter.since ?? '-inf';
    const max = filter.before === undefined ? '+inf' : `(${filter.before}`;
    const list = await this.#connection.run(SCRIPTS.listGrants, [zset, min, max]);
    return applyGrantFilter(strings(list).map(parseGrant), filter);
  }
}
