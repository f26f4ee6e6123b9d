import type { ConnectorRecord, ConnectorStore, CredentialRecord } from '../../connectors/connector-records.js';

/**
 * The connectors and credentials of a MemoryStore: plain CRUD over Maps, in the order first put,
 * frozen copies as for grants. Connectors are keyed by owner and provider: the app's (owner null)
 * and each client's apart.
 */
export class MemoryConnectors implements ConnectorStore {
  readonly #connectors = new Map<string, ConnectorRecord>();
  readonly #credentials = new Map<string, CredentialRecord>();

  async getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined> {
    return this.#connectors.get(connectorKey(provider, owner));
  }

  async putConnector(connector: ConnectorRecord): Promise<void> {
    // A record from a caller that predates owners (plain JS) is the app's and serves every client.
    const owned = { ...connector, owner: connector.owner ?? null, clients: connector.clients ?? null };
    this.#connectors.set(connectorKey(owned.provider, owned.owner), Object.freeze(owned));
  }

  async deleteConnector(provider: string, owner: string | null): Promise<boolean> {
    for (const [id, c] of this.#credentials) if (c.provider === provider && c.owner === owner) this.#credentials.delete(id);
    return this.#connectors.delete(connectorKey(provider, owner));
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    return [...this.#connectors.values()];
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#credentials.get(id);
  }

  async putCredential(credential: CredentialRecord): Promise<void> {
    this.#credentials.set(credential.id, Object.freeze({ ...credential, owner: credential.owner ?? null }));
  }

  async deleteCredential(id: string): Promise<boolean> {
    return this.#credentials.delete(id);
  }

  async listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]> {
    return [...this.#credentials.values()].filter((c) => c.provider === provider && c.owner === owner);
  }

  /** The part of the store's dump: only what there is, so a store without connectors keeps its old shape. */
  dump(): { connectors?: ConnectorRecord[]; credentials?: CredentialRecord[] } {
    return {
      ...(this.#connectors.size > 0 ? { connectors: [...this.#connectors.values()] } : {}),
      ...(this.#credentials.size > 0 ? { credentials: [...this.#credentials.values()] } : {}),
    };
  }
}

function connectorKey(provider: string, owner: string | null): string {
  return JSON.stringify([owner, provider]);
}
