import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/connector-records.js';
import { APP_OWNER, CONNECTOR_COLUMN_NAMES, CREDENTIAL_COLUMN_NAMES } from './columns.js';
import { ARRAY_LIST, connectorParams, credentialParams } from './params.js';
import { positional, type PostgresQuery } from './postgres-query.js';
import type { PostgresStatements } from './postgres-statements.js';
import { readConnector, readCount, readCredential } from './rows.js';

/** Connectors and credentials of a PostgresStore (see connectorStatements for the keys and the order). */
export class PostgresConnectors implements ConnectorStore {
  readonly #query: PostgresQuery;
  readonly #sql: PostgresStatements['connectors'];

  constructor(query: PostgresQuery, sql: PostgresStatements) {
    this.#query = query;
    this.#sql = sql.connectors;
  }

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    const row = await this.#query.row(this.#sql.getConnector, [owner ?? APP_OWNER, provider]);
    return row === undefined ? undefined : readConnector(row);
  }

  async putConnector(c: ConnectorRecord): Promise<void> {
    await this.#query.run(this.#sql.putConnector, positional(connectorParams(c, ARRAY_LIST), CONNECTOR_COLUMN_NAMES));
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return readCount(await this.#query.row(this.#sql.deleteConnector, [owner ?? APP_OWNER, provider])) > 0;
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return (await this.#query.rows(this.#sql.listConnectors, [])).map(readConnector);
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = await this.#query.row(this.#sql.getCredential, [id]);
    return row === undefined ? undefined : readCredential(row);
  }

  async putCredential(c: CredentialRecord): Promise<void> {
    await this.#query.run(this.#sql.putCredential, positional(credentialParams(c), CREDENTIAL_COLUMN_NAMES));
  }

  async deleteCredential(id: string): Promise<boolean> {
    return ((await this.#query.run(this.#sql.deleteCredential, [id])).rowCount ?? 0) > 0;
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return (await this.#query.rows(this.#sql.listCredentials, [owner ?? APP_OWNER, provider])).map(readCredential);
  }
}
