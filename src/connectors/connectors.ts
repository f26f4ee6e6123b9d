import { randomUUID } from 'node:crypto';
import { grantMeta } from '../grants/sealed-settings.js';
import type { GrantRecord } from '../store/records.js';
import { GrantKitError } from '../errors/error.js';
import { grantEvent } from '../events/events.js';
import type { KitFoundation } from '../kit/foundation.js';
import { v2NameOfConnector } from '../providers/families.js';
import { ClientConnectors, type ConnectorOps } from './client-connectors.js';
import { ConnectorCredentials } from './credentials.js';
import { endpointsFor } from './endpoints.js';
import { bad, connectorNotFound } from './errors.js';
import type { ConnectorInput, ConnectorPatch, CredentialInput, CredentialPatch } from './inputs.js';
import { sortedConnectors } from './order.js';
import {
  CONNECTOR_PROVIDERS,
  isConnectorProvider,
  OAUTH_PROVIDERS,
  servesClient,
  type ConnectorRecord,
  type ConnectorStore,
  type CredentialRecord,
  type ProviderEndpoints,
} from './connector-records.js';

/**
 * Connectors and their credentials: the one model custom authentication and hosted OAuth share.
 * Secrets go in sealed and come out only through `clientSecret()` and `credentialData()`.
 *
 * Ownership: the methods here act as the app and work on the app's connectors (owner null), which
 * serve every client or the clients their `clients` option names. `forClient(id)` acts as one
 * client's API key (the HTTP routes): it creates, changes and deletes that client's own connectors
 * only, so one client can never remove or re-point a connector another client's users sign in
 * through. `serving(provider, client)` is the connector a client's sign-ins use.
 */
export class Connectors {
  /** Grants, keyring, clock, events and the provider endpoint overrides. */
  readonly #f: KitFoundation;
  /** Where connectors and credentials are kept: the grant store, or the one `connectors` names. */
  readonly #store: ConnectorStore;
  /** The credential operations, on the same store. */
  readonly #credentials: ConnectorCredentials;

  constructor(foundation: KitFoundation, store: ConnectorStore) {
    this.#f = foundation;
    this.#store = store;
    this.#credentials = new ConnectorCredentials(foundation, store);
  }

  /** The app's connector of a provider. */
  get(provider: string): Promise<ConnectorRecord | undefined> {
    return this.#store.getConnector(provider, null);
  }

  /** Every connector, the app's and every client's, oldest first. */
  async list(): Promise<ConnectorRecord[]> {
    return sortedConnectors(await this.#store.listConnectors());
  }

  /**
   * The connector a client's sign-ins and custom authentication use for a provider: the client's
   * own when it has one, else the app's when it serves that client.
   */
  async serving(provider: string, clientId: string): Promise<ConnectorRecord | undefined> {
    const own = await this.#store.getConnector(provider, clientId);
    if (own) return own;
    const app = await this.#store.getConnector(provider, null);
    return app && servesClient(app, clientId) ? app : undefined;
  }

  /** Creates the app's connector of a provider; 409 when it exists (one per provider). */
  create(input: ConnectorInput): Promise<ConnectorRecord> {
    return this.#create(null, input);
  }

  /** Partial update of the app's connector (the SDK sends PUT, the spec documents PATCH; both mean this). 404 when absent. */
  async update(provider: string, patch: ConnectorPatch): Promise<ConnectorRecord> {
    return this.#update(await this.#require(provider, null), patch);
  }

  /** Deletes the app's connector; see `#delete`. */
  async delete(provider: string): Promise<boolean> {
    const current = await this.#store.getConnector(provider, null);
    if (!current) return false;
    await this.#delete(current);
    return true;
  }

  /** What one client's API key may do over HTTP; see the class comment. */
  forClient(clientId: string): ClientConnectors {
    return new ClientConnectors(this.#ops(), clientId);
  }

  /** The owner-aware operations behind `ClientConnectors`. */
  #ops(): ConnectorOps {
    return {
      store: this.#store,
      serving: (provider, clientId) => this.serving(provider, clientId),
      credentialOf: (connector, id) => this.credentialOf(connector, id),
      create: (owner, input) => this.#create(owner, input),
      update: (current, patch) => this.#update(current, patch),
      delete: (current) => this.#delete(current),
      createCredential: (connector, input) => this.#credentials.create(connector, input),
      updateCredential: (connector, id, patch) => this.#credentials.update(connector, id, patch),
      deleteCredential: (connector, id) => this.#credentials.delete(connector, id),
    };
  }

  async #create(owner: string | null, input: ConnectorInput): Promise<ConnectorRecord> {
    if (!isConnectorProvider(input.provider)) {
      throw bad(`"provider" must be one of ${CONNECTOR_PROVIDERS.join(', ')}.`);
    }
    if (await this.#store.getConnector(input.provider, owner)) {
      throw new GrantKitError('conflict', `A connector for "${input.provider}" already exists; update it instead.`);
    }
    if (owner !== null) {
      // One connector per client and provider: an app connector already serving this client counts.
      const app = await this.#store.getConnector(input.provider, null);
      if (app && servesClient(app, owner)) {
        throw new GrantKitError('conflict', `The application configures the "${input.provider}" connector for this client; it cannot be replaced over the API.`);
      }
    }
    if (OAUTH_PROVIDERS.has(input.provider) && (!input.clientId || !input.clientSecret)) {
      throw bad(`A ${input.provider} connector needs "settings.client_id" and "settings.client_secret".`);
    }
    const now = this.#f.now();
    const id = randomUUID();
    const record: ConnectorRecord = {
      id,
      provider: input.provider,
      name: input.name ?? input.provider,
      clientId: input.clientId ?? null,
      clientSecret: input.clientSecret ? this.#f.keyring.seal(input.clientSecret, `connector:${id}`) : null,
      settings: { ...input.settings },
      defaultScopes: [...(input.defaultScopes ?? [])],
      allowedScopes: input.allowedScopes ? [...input.allowedScopes] : null,
      endpoints: input.endpoints ?? null,
      activeCredentialId: null,
      owner,
      clients: owner === null ? this.#clients(input.clients) : null,
      createdAt: now,
      updatedAt: now,
    };
    const checked = await this.#checked(record, input.activeCredentialId);
    await this.#store.putConnector(checked);
    return checked;
  }

  async #update(current: ConnectorRecord, patch: ConnectorPatch): Promise<ConnectorRecord> {
    const record: ConnectorRecord = {
      ...current,
      name: patch.name ?? current.name,
      clientId: patch.clientId ?? current.clientId,
      clientSecret: patch.clientSecret ? this.#f.keyring.seal(patch.clientSecret, `connector:${current.id}`) : current.clientSecret,
      settings: patch.settings ? { ...current.settings, ...patch.settings } : current.settings,
      defaultScopes: patch.defaultScopes ? [...patch.defaultScopes] : current.defaultScopes,
      allowedScopes: patch.allowedScopes === undefined ? current.allowedScopes : patch.allowedScopes && [...patch.allowedScopes],
      endpoints: patch.endpoints === undefined ? current.endpoints : patch.endpoints,
      clients: current.owner !== null || patch.clients === undefined ? current.clients : this.#clients(patch.clients),
      updatedAt: this.#f.now(),
    };
    const checked = await this.#checked(record, patch.activeCredentialId);
    await this.#store.putConnector(checked);
    return checked;
  }

  /** A `clients` option: null (every client) or a non-empty list of configured client ids. */
  #clients(clients: readonly string[] | null | undefined): readonly string[] | null {
    if (clients === undefined || clients === null) return null;
    const unknown = clients.find((id) => this.#f.clients.get(id) === undefined);
    if (clients.length === 0 || unknown !== undefined) {
      throw bad(
        unknown === undefined
          ? '"clients" must name at least one client (leave it out to serve every client).'
          : `"clients" names "${unknown.slice(0, 64)}", which is not a configured client.`,
      );
    }
    return [...new Set(clients)];
  }

  /**
   * Deletes the connector and its credentials. Its grants stop working: each valid grant made
   * through it is marked invalid (and `grant.expired` fires), so every token of it gets 401 until
   * the user re-authenticates through a new connector.
   */
  async #delete(current: ConnectorRecord): Promise<void> {
    await this.#store.deleteConnector(current.provider, current.owner);
    const now = this.#f.now();
    for (const grant of await this.#connectorGrants(current)) {
      await this.#f.store.putGrant({ ...grant, status: 'invalid', updatedAt: now });
      await this.#f.events.emit(grantEvent('grant.expired', grant, now, { integrationId: current.id, previousUpdatedAt: grant.updatedAt }));
    }
  }

  /**
   * The valid grants made through a connector. A grant that records its connector's id (in its
   * sealed metadata) belongs to that connector only; one made before the id was recorded belongs
   * to the connector of its provider that serves its client. Hosted v2 grants carry the v2
   * provider name (gmail, office365) and always record the id. Only the clients the connector
   * serves are looked at, so deleting one client's connector never touches another's grants.
   */
  async #connectorGrants(connector: ConnectorRecord): Promise<GrantRecord[]> {
    const byClient = connector.owner !== null ? [connector.owner] : connector.clients;
    const filters = byClient === null ? [{}] : byClient.map((clientId) => ({ clientId }));
    const out: GrantRecord[] = [];
    for (const f of filters) {
      for (const g of await this.#f.store.listGrants({ ...f, provider: connector.provider, status: 'valid' })) {
        const id = grantMeta(this.#f.keyring, g).connectorId;
        if (id === connector.id || (id === undefined && (await this.#servedBy(g.clientId, connector)))) out.push(g);
      }
      const alias = v2NameOfConnector(connector.provider);
      if (alias === undefined) continue;
      const v2 = await this.#f.store.listGrants({ ...f, provider: alias, status: 'valid' });
      out.push(...v2.filter((g) => grantMeta(this.#f.keyring, g).connectorId === connector.id));
    }
    return out;
  }

  /** Was this the connector serving the client (an app connector does not serve a client that has its own)? */
  async #servedBy(clientId: string, connector: ConnectorRecord): Promise<boolean> {
    if (!servesClient(connector, clientId)) return false;
    return connector.owner !== null || !(await this.#store.getConnector(connector.provider, clientId));
  }

  /** The connector's client secret in the clear, for a call to the provider. */
  clientSecret(c: ConnectorRecord): string | null {
    return c.clientSecret === null ? null : this.#f.keyring.open(c.clientSecret, `connector:${c.id}`);
  }

  /** The provider endpoints this connector uses (see endpoints.ts for the override order). */
  endpoints(c: ConnectorRecord, tenant?: string): ProviderEndpoints | undefined {
    return endpointsFor(c, this.#f.options.providerEndpoints, tenant);
  }

  // Credentials: the provider-named methods act on the app's connector of that provider, through
  // the credential operations that ClientConnectors uses for a client's own.

  /**
   * Creates a credential. Names are unique per connector: the same name with the same type and
   * data returns the existing credential (`created: false`, as Nylas does), different data is a 409.
   */
  async createCredential(provider: string, input: CredentialInput): Promise<{ credential: CredentialRecord; created: boolean }> {
    return this.#credentials.create(await this.#require(provider, null), input);
  }

  /** A credential of the app's connector of a provider, or undefined. */
  async getCredential(provider: string, id: string): Promise<CredentialRecord | undefined> {
    const connector = await this.get(provider);
    return connector && this.credentialOf(connector, id);
  }

  /** A credential of this connector, or undefined (another connector's credential is not found here). */
  credentialOf(connector: ConnectorRecord, id: string): Promise<CredentialRecord | undefined> {
    return this.#credentials.of(connector, id);
  }

  async listCredentials(provider: string): Promise<CredentialRecord[]> {
    return this.#credentials.list(await this.#require(provider, null));
  }

  async updateCredential(provider: string, id: string, patch: CredentialPatch): Promise<CredentialRecord> {
    return this.#credentials.update(await this.#require(provider, null), id, patch);
  }

  /** The active credential of a connector cannot be deleted; make another active first. */
  async deleteCredential(provider: string, id: string): Promise<void> {
    return this.#credentials.delete(await this.#require(provider, null), id);
  }

  /** A credential's data in the clear, for a call to the provider. */
  credentialData(c: CredentialRecord): Record<string, string> {
    return this.#credentials.data(c);
  }

  async #require(provider: string, owner: string | null): Promise<ConnectorRecord> {
    const c = await this.#store.getConnector(provider, owner);
    if (!c) throw connectorNotFound(provider);
    return c;
  }

  async #checked(record: ConnectorRecord, activeCredentialId: string | null | undefined): Promise<ConnectorRecord> {
    if (record.allowedScopes !== null) {
      const outside = record.defaultScopes.filter((s) => !record.allowedScopes!.includes(s));
      if (outside.length > 0) throw bad(`Default scope "${outside[0]!.slice(0, 128)}" is not in "allowed_scopes".`);
    }
    if (activeCredentialId === undefined) return record;
    if (activeCredentialId !== null && !(await this.credentialOf(record, activeCredentialId))) {
      throw bad('"active_credential_id" does not name a credential of this connector.');
    }
    return { ...record, activeCredentialId };
  }
}
