import { randomUUID } from 'node:crypto';
import { GrantKitError } from '../errors/error.js';
import { isJsonObject } from '../http/json-object.js';
import type { KitFoundation } from '../kit/foundation.js';
import { bad, credentialNotFound } from './errors.js';
import { checkCredential, sameData, type CredentialInput, type CredentialPatch } from './inputs.js';
import type { ConnectorRecord, ConnectorStore, CredentialRecord } from './connector-records.js';

/**
 * A connector's credentials. Every operation takes the connector the credential belongs to, already
 * resolved for its owner: `Connectors` passes the app's, `ClientConnectors` the client's own.
 * Credential data is sealed with AAD `credential:<id>` and comes out only through `data()`.
 */
export class ConnectorCredentials {
  /** The keyring and the clock. */
  readonly #f: KitFoundation;
  readonly #store: ConnectorStore;

  constructor(foundation: KitFoundation, store: ConnectorStore) {
    this.#f = foundation;
    this.#store = store;
  }

  /**
   * Creates a credential. Names are unique per connector: the same name with the same type and
   * data returns the existing credential (`created: false`, as Nylas does), different data is a 409.
   */
  async create(connector: ConnectorRecord, input: CredentialInput): Promise<{ credential: CredentialRecord; created: boolean }> {
    const { provider, owner } = connector;
    checkCredential(provider, input.type, input.data);
    const existing = (await this.#store.listCredentials(provider, owner)).find((c) => c.name === input.name);
    if (existing) {
      if (existing.type === input.type && sameData(this.data(existing), input.data)) return { credential: existing, created: false };
      throw new GrantKitError('conflict', `A credential named "${input.name}" already exists for "${provider}".`);
    }
    const now = this.#f.now();
    const id = randomUUID();
    const credential: CredentialRecord = {
      id,
      provider,
      owner,
      name: input.name,
      type: input.type,
      data: this.#f.keyring.seal(JSON.stringify(input.data), `credential:${id}`),
      createdAt: now,
      updatedAt: now,
    };
    await this.#store.putCredential(credential);
    return { credential, created: true };
  }

  /** A credential of this connector, or undefined (another connector's credential is not found here). */
  async of(connector: ConnectorRecord, id: string): Promise<CredentialRecord | undefined> {
    const c = await this.#store.getCredential(id);
    return c?.provider === connector.provider && c.owner === connector.owner ? c : undefined;
  }

  list(connector: ConnectorRecord): Promise<CredentialRecord[]> {
    return this.#store.listCredentials(connector.provider, connector.owner);
  }

  async update(connector: ConnectorRecord, id: string, patch: CredentialPatch): Promise<CredentialRecord> {
    const { provider, owner } = connector;
    const current = await this.of(connector, id);
    if (!current) throw credentialNotFound();
    if (patch.data) checkCredential(provider, current.type, patch.data);
    if (patch.name !== undefined && patch.name !== current.name) {
      const clash = (await this.#store.listCredentials(provider, owner)).some((c) => c.name === patch.name);
      if (clash) throw new GrantKitError('conflict', `A credential named "${patch.name}" already exists for "${provider}".`);
    }
    const updated: CredentialRecord = {
      ...current,
      name: patch.name ?? current.name,
      data: patch.data ? this.#f.keyring.seal(JSON.stringify(patch.data), `credential:${id}`) : current.data,
      updatedAt: this.#f.now(),
    };
    await this.#store.putCredential(updated);
    return updated;
  }

  /** The active credential of a connector cannot be deleted; make another active first. */
  async delete(connector: ConnectorRecord, id: string): Promise<void> {
    const current = await this.of(connector, id);
    if (!current) throw credentialNotFound();
    if (connector.activeCredentialId === id) {
      throw bad('This credential is the connector\'s active credential; set another "active_credential_id" first.');
    }
    await this.#store.deleteCredential(id);
  }

  /** A credential's data in the clear, for a call to the provider. */
  data(c: CredentialRecord): Record<string, string> {
    const parsed: unknown = JSON.parse(this.#f.keyring.open(c.data, `credential:${c.id}`));
    // Sealed from a CredentialInput, whose values are strings (the routes' body schema checks them);
    // anything else is dropped, not trusted.
    const data: Record<string, string> = {};
    if (isJsonObject(parsed)) for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') data[k] = v;
    return data;
  }
}
