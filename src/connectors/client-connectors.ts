import { GrantKitError } from '../errors/error.js';
import { bad, connectorNotFound } from './errors.js';
import type { ConnectorInput, ConnectorPatch, CredentialInput, CredentialPatch } from './inputs.js';
import { sortedConnectors } from './order.js';
import { servesClient, type ConnectorRecord, type ConnectorStore, type CredentialRecord } from './connector-records.js';

/** What `ClientConnectors` may do; built by `Connectors.forClient`. */
export interface ConnectorOps {
  readonly store: ConnectorStore;
  serving(provider: string, clientId: string): Promise<ConnectorRecord | undefined>;
  credentialOf(connector: ConnectorRecord, id: string): Promise<CredentialRecord | undefined>;
  create(owner: string, input: ConnectorInput): Promise<ConnectorRecord>;
  update(current: ConnectorRecord, patch: ConnectorPatch): Promise<ConnectorRecord>;
  delete(current: ConnectorRecord): Promise<void>;
  createCredential(connector: ConnectorRecord, input: CredentialInput): Promise<{ credential: CredentialRecord; created: boolean }>;
  updateCredential(connector: ConnectorRecord, id: string, patch: CredentialPatch): Promise<CredentialRecord>;
  deleteCredential(connector: ConnectorRecord, id: string): Promise<void>;
}

/**
 * The connectors API as one client's API key sees it. It reads the connectors that serve the
 * client (its own, and the app's that serve it); it creates, changes and deletes its own only.
 * Another client's connector, and its credentials, are 404: they do not exist for this client.
 * The app's connectors are 403 to change: they are configured in code and change there.
 */
export class ClientConnectors {
  readonly #c: ConnectorOps;
  readonly #client: string;

  /** Use `kit.connectors.forClient(clientId)`. */
  constructor(ops: ConnectorOps, clientId: string) {
    this.#c = ops;
    this.#client = clientId;
  }

  get(provider: string): Promise<ConnectorRecord | undefined> {
    return this.#c.serving(provider, this.#client);
  }

  /** The connectors serving this client, oldest first; where it has its own, the app's of that provider is not listed. */
  async list(): Promise<ConnectorRecord[]> {
    const all = await this.#c.store.listConnectors();
    const own = new Set(all.filter((c) => c.owner === this.#client).map((c) => c.provider));
    return sortedConnectors(all.filter((c) => servesClient(c, this.#client) && (c.owner !== null || !own.has(c.provider))));
  }

  create(input: ConnectorInput): Promise<ConnectorRecord> {
    if (input.clients !== undefined || input.endpoints !== undefined) throw bad('"clients" and "endpoints" are set in code only.');
    return this.#c.create(this.#client, input);
  }

  async update(provider: string, patch: ConnectorPatch): Promise<ConnectorRecord> {
    if (patch.clients !== undefined || patch.endpoints !== undefined) throw bad('"clients" and "endpoints" are set in code only.');
    return this.#c.update(await this.#own(provider), patch);
  }

  /** False when no connector of the provider serves this client. */
  async delete(provider: string): Promise<boolean> {
    const current = await this.#c.serving(provider, this.#client);
    if (!current) return false;
    await this.#c.delete(this.#writable(current));
    return true;
  }

  async createCredential(provider: string, input: CredentialInput): Promise<{ credential: CredentialRecord; created: boolean }> {
    return this.#c.createCredential(await this.#own(provider), input);
  }

  async getCredential(provider: string, id: string): Promise<CredentialRecord | undefined> {
    const connector = await this.get(provider);
    return connector && this.#c.credentialOf(connector, id);
  }

  async listCredentials(provider: string): Promise<CredentialRecord[]> {
    const connector = await this.get(provider);
    if (!connector) throw connectorNotFound(provider);
    return this.#c.store.listCredentials(connector.provider, connector.owner);
  }

  async updateCredential(provider: string, id: string, patch: CredentialPatch): Promise<CredentialRecord> {
    return this.#c.updateCredential(await this.#own(provider), id, patch);
  }

  async deleteCredential(provider: string, id: string): Promise<void> {
    return this.#c.deleteCredential(await this.#own(provider), id);
  }

  /** This client's own connector of a provider: 404 when none serves it, 403 when the app's does. */
  async #own(provider: string): Promise<ConnectorRecord> {
    const current = await this.#c.serving(provider, this.#client);
    if (!current) throw connectorNotFound(provider);
    return this.#writable(current);
  }

  #writable(c: ConnectorRecord): ConnectorRecord {
    if (c.owner === this.#client) return c;
    throw new GrantKitError(
      'grant_access_denied',
      `The "${c.provider}" connector is configured by the application; it cannot be changed or deleted over the API.`,
      { v3Type: 'forbidden' },
    );
  }
}
