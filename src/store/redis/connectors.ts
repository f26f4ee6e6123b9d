import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/connector-records.js';
import { connectorJson, credentialJson, parseConnector, parseCredential, slot, strings } from './codec.js';
import type { RedisConnection } from './connection.js';
import { SCRIPTS } from './scripts.js';

/**
 * Connectors and credentials of a RedisStore, in the order they were first put. They never expire
 * and are never in a cached resolution, so their scripts publish nothing.
 */
export class RedisConnectors implements ConnectorStore {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    await this.#connection.ready();
    const json = await this.#connection.redis.get(this.#connection.key('cn:' + slot(provider, owner)));
    return json === null ? undefined : parseConnector(json);
  }

  async putConnector(connector: ConnectorRecord): Promise<void> {
    await this.#connection.run(SCRIPTS.putConnector, [slot(connector.provider, connector.owner), connectorJson(connector)]);
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return (await this.#connection.run(SCRIPTS.deleteConnector, [slot(provider, owner)])) === 1;
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return strings(await this.#connection.run(SCRIPTS.listConnectors, [])).map(parseConnector);
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    await this.#connection.ready();
    const json = await this.#connection.redis.hget(this.#connection.key('cr:' + id), 'j');
    return json === null ? undefined : parseCredential(json);
  }

  async putCredential(credential: CredentialRecord): Promise<void> {
    const args = [credential.id, slot(credential.provider, credential.owner), credentialJson(credential)];
    await this.#connection.run(SCRIPTS.putCredential, args);
  }

  async deleteCredential(id: string): Promise<boolean> {
    return (await this.#connection.run(SCRIPTS.deleteCredential, [id])) === 1;
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return strings(await this.#connection.run(SCRIPTS.listCredentials, [slot(provider, owner)])).map(parseCredential);
  }
}
