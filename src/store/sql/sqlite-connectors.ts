import type { Database } from 'better-sqlite3';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/connector-records.js';
import { APP_OWNER, CONNECTOR_COLUMNS, CREDENTIAL_COLUMNS } from './columns.js';
import { connectorParams, credentialParams, JSON_LIST } from './params.js';
import { readConnector, readCredential } from './rows.js';

/** The statements of connectors and credentials. A connector is keyed by (owner, provider); owner '' is the app's. */
function connectorStatements(db: Database) {
  return {
    getConnector: db.prepare<[string, string]>(`SELECT ${CONNECTOR_COLUMNS} FROM grantkit_connectors WHERE owner = ? AND provider = ?`),
    putConnector: db.prepare(
      `INSERT INTO grantkit_connectors (${CONNECTOR_COLUMNS})
       VALUES (@provider, @id, @name, @client_id, @client_secret, @settings, @default_scopes, @allowed_scopes,
               @endpoints, @active_credential_id, @created_at, @updated_at, @owner, @clients)
       ON CONFLICT (owner, provider) DO UPDATE SET id = excluded.id, name = excluded.name, client_id = excluded.client_id,
         client_secret = excluded.client_secret, settings = excluded.settings, default_scopes = excluded.default_scopes,
         allowed_scopes = excluded.allowed_scopes, endpoints = excluded.endpoints,
         active_credential_id = excluded.active_credential_id, created_at = excluded.created_at, updated_at = excluded.updated_at,
         clients = excluded.clients`,
    ),
    deleteConnector: db.prepare<[string, string]>('DELETE FROM grantkit_connectors WHERE owner = ? AND provider = ?'),
    listConnectors: db.prepare<[]>(`SELECT ${CONNECTOR_COLUMNS} FROM grantkit_connectors ORDER BY seq`),
    getCredential: db.prepare<[string]>(`SELECT ${CREDENTIAL_COLUMNS} FROM grantkit_credentials WHERE id = ?`),
    putCredential: db.prepare(
      `INSERT INTO grantkit_credentials (${CREDENTIAL_COLUMNS})
       VALUES (@id, @provider, @name, @type, @data, @created_at, @updated_at, @owner)
       ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, name = excluded.name, type = excluded.type,
         data = excluded.data, created_at = excluded.created_at, updated_at = excluded.updated_at, owner = excluded.owner`,
    ),
    deleteCredential: db.prepare<[string]>('DELETE FROM grantkit_credentials WHERE id = ?'),
    deleteConnectorCredentials: db.prepare<[string, string]>('DELETE FROM grantkit_credentials WHERE owner = ? AND provider = ?'),
    listCredentials: db.prepare<[string, string]>(
      `SELECT ${CREDENTIAL_COLUMNS} FROM grantkit_credentials WHERE owner = ? AND provider = ? ORDER BY seq`,
    ),
  };
}

/**
 * Connectors and credentials of a SqliteStore. None of these writes touches a token or a grant, so
 * nothing is broadcast: the grant cache never holds connectors. The upserts never rewrite `seq`,
 * so a replacement keeps its place in the lists (see sqlite-schema.ts).
 */
export class SqliteConnectors implements ConnectorStore {
  readonly #sql: ReturnType<typeof connectorStatements>;
  readonly #deleteConnectorTx;

  constructor(db: Database) {
    const sql = (this.#sql = connectorStatements(db));
    // One transaction, so no process ever sees the connector gone and its credentials still there.
    // The credentials go even when the connector is already gone, as in the memory store.
    this.#deleteConnectorTx = db.transaction((owner: string, provider: string) => {
      sql.deleteConnectorCredentials.run(owner, provider);
      return sql.deleteConnector.run(owner, provider).changes > 0;
    });
  }

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    const row = this.#sql.getConnector.get(owner ?? APP_OWNER, provider);
    return row === undefined ? undefined : readConnector(row);
  }

  async putConnector(connector: ConnectorRecord): Promise<void> {
    this.#sql.putConnector.run(connectorParams(connector, JSON_LIST));
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    return this.#deleteConnectorTx.immediate(owner ?? APP_OWNER, provider);
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return this.#sql.listConnectors.all().map(readConnector);
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = this.#sql.getCredential.get(id);
    return row === undefined ? undefined : readCredential(row);
  }

  async putCredential(credential: CredentialRecord): Promise<void> {
    this.#sql.putCredential.run(credentialParams(credential));
  }

  async deleteCredential(id: string): Promise<boolean> {
    return this.#sql.deleteCredential.run(id).changes > 0;
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return this.#sql.listCredentials.all(owner ?? APP_OWNER, provider).map(readCredential);
  }
}
