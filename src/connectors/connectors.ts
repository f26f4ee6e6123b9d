import { randomUUID } from 'node:crypto';
import { grantMeta } from '../grants/sealed-settings.js';
import type { GrantRecord } from '../store/records.js';
import type { Keyring } from '../crypto/keyring.js';
import { GrantkitError } from '../errors/error.js';
import { grantEvent, type GrantEvents } from '../events/events.js';
import type { Store } from '../store/store.js';
import { endpointsFor, type EndpointOverrides } from './endpoints.js';
import {
  CONNECTOR_PROVIDERS,
  OAUTH_PROVIDERS,
  type ConnectorRecord,
  type ConnectorStore,
  type CredentialRecord,
  type CredentialType,
  type ProviderEndpoints,
} from './records.js';

/** A connector as the app describes it (camelCase; the HTTP routes map the wire form onto this). */

/** The v2 provider names hosted grants get from each connector (nylas-api.md §1.4). */
const V2_ALIAS: Readonly<Record<string, string>> = { google: 'gmail', microsoft: 'office365' };

export interface ConnectorInput {
  readonly provider: string;
  readonly name?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Non-secret settings such as `tenant` or `topic_name`. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly defaultScopes?: readonly string[];
  readonly allowedScopes?: readonly string[] | null;
  readonly endpoints?: Readonly<Partial<ProviderEndpoints>> | null;
  readonly activeCredentialId?: string | null;
}

export type ConnectorPatch = Omit<ConnectorInput, 'provider'>;

export interface CredentialInput {
  readonly name: string;
  readonly type: CredentialType;
  readonly data: Readonly<Record<string, string>>;
}

/** Which credential types a provider takes: service accounts are Google's, admin consent Microsoft's. */
const CREDENTIAL_PROVIDERS: Readonly<Record<CredentialType, ReadonlySet<string>>> = {
  serviceaccount: new Set(['google']),
  adminconsent: new Set(['microsoft']),
  connector: OAUTH_PROVIDERS,
};

/** Fields each credential type must carry. */
const REQUIRED_DATA: Readonly<Record<CredentialType, readonly string[]>> = {
  serviceaccount: ['client_email', 'private_key'],
  adminconsent: [],
  connector: ['client_id', 'client_secret'],
};

export interface ConnectorsDeps {
  readonly store: ConnectorStore;
  readonly grants: Store;
  readonly keyring: Keyring;
  readonly now: () => number;
  readonly events: GrantEvents;
  readonly endpoints: EndpointOverrides | undefined;
}

/**
 * Connectors and their credentials: the one model custom authentication and hosted OAuth share.
 * Secrets go in sealed and come out only through `clientSecret()` and `credentialData()`.
 */
export class Connectors {
  readonly #d: ConnectorsDeps;

  constructor(deps: ConnectorsDeps) {
    this.#d = deps;
  }

  get(provider: string): Promise<ConnectorRecord | undefined> {
    return this.#d.store.getConnector(provider);
  }

  async list(): Promise<ConnectorRecord[]> {
    return (await this.#d.store.listConnectors()).sort((a, b) => a.createdAt - b.createdAt || (a.provider < b.provider ? -1 : 1));
  }

  /** Creates the connector of a provider; 409 when it exists (one per provider). */
  async create(input: ConnectorInput): Promise<ConnectorRecord> {
    if (!(CONNECTOR_PROVIDERS as readonly string[]).includes(input.provider)) {
      throw bad(`"provider" must be one of ${CONNECTOR_PROVIDERS.join(', ')}.`);
    }
    if (await this.#d.store.getConnector(input.provider)) {
      throw new GrantkitError('conflict', `A connector for "${input.provider}" already exists; update it instead.`);
    }
    if (OAUTH_PROVIDERS.has(input.provider) && (!input.clientId || !input.clientSecret)) {
      throw bad(`A ${input.provider} connector needs "settings.client_id" and "settings.client_secret".`);
    }
    const now = this.#d.now();
    const id = randomUUID();
    const record: ConnectorRecord = {
      id,
      provider: input.provider,
      name: input.name ?? input.provider,
      clientId: input.clientId ?? null,
      clientSecret: input.clientSecret ? this.#d.keyring.seal(input.clientSecret, `connector:${id}`) : null,
      settings: { ...input.settings },
      defaultScopes: [...(input.defaultScopes ?? [])],
      allowedScopes: input.allowedScopes ? [...input.allowedScopes] : null,
      endpoints: input.endpoints ?? null,
      activeCredentialId: null,
      createdAt: now,
      updatedAt: now,
    };
    const checked = await this.#checked(record, input.activeCredentialId);
    await this.#d.store.putConnector(checked);
    return checked;
  }

  /** Partial update (the SDK sends PUT, the spec documents PATCH; both mean this). 404 when absent. */
  async update(provider: string, patch: ConnectorPatch): Promise<ConnectorRecord> {
    const current = await this.#require(provider);
    const record: ConnectorRecord = {
      ...current,
      name: patch.name ?? current.name,
      clientId: patch.clientId ?? current.clientId,
      clientSecret: patch.clientSecret ? this.#d.keyring.seal(patch.clientSecret, `connector:${current.id}`) : current.clientSecret,
      settings: patch.settings ? { ...current.settings, ...patch.settings } : current.settings,
      defaultScopes: patch.defaultScopes ? [...patch.defaultScopes] : current.defaultScopes,
      allowedScopes: patch.allowedScopes === undefined ? current.allowedScopes : patch.allowedScopes && [...patch.allowedScopes],
      endpoints: patch.endpoints === undefined ? current.endpoints : patch.endpoints,
      updatedAt: this.#d.now(),
    };
    const checked = await this.#checked(record, patch.activeCredentialId);
    await this.#d.store.putConnector(checked);
    return checked;
  }

  /**
   * Deletes the connector and its credentials. Its grants stop working: each valid grant of the
   * provider is marked invalid (and `grant.expired` fires), so every token of it gets 401 until the
   * user re-authenticates through a new connector.
   */
  async delete(provider: string): Promise<boolean> {
    const current = await this.#d.store.getConnector(provider);
    if (!current) return false;
    await this.#d.store.deleteConnector(provider);
    const now = this.#d.now();
    for (const grant of await this.#connectorGrants(current)) {
      await this.#d.grants.putGrant({ ...grant, status: 'invalid', updatedAt: now });
      this.#d.events.emit(grantEvent('grant.expired', grant, now, { integrationId: current.id, previousUpdatedAt: grant.updatedAt }));
    }
    return true;
  }

  /**
   * The valid grants made through a connector: those of its provider, and hosted v2 grants, which
   * carry the v2 provider name (gmail, office365) and record the connector's id in their metadata.
   */
  async #connectorGrants(connector: ConnectorRecord): Promise<GrantRecord[]> {
    const own = await this.#d.grants.listGrants({ provider: connector.provider, status: 'valid' });
    const alias = V2_ALIAS[connector.provider];
    if (alias === undefined) return own;
    const v2 = await this.#d.grants.listGrants({ provider: alias, status: 'valid' });
    return [...own, ...v2.filter((g) => grantMeta(this.#d.keyring, g).connectorId === connector.id)];
  }

  /** The connector's client secret in the clear, for a call to the provider. */
  clientSecret(c: ConnectorRecord): string | null {
    return c.clientSecret === null ? null : this.#d.keyring.open(c.clientSecret, `connector:${c.id}`);
  }

  /** The provider endpoints this connector uses (see endpoints.ts for the override order). */
  endpoints(c: ConnectorRecord, tenant?: string): ProviderEndpoints | undefined {
    return endpointsFor(c, this.#d.endpoints, tenant);
  }

  // Credentials

  /**
   * Creates a credential. Names are unique per connector: the same name with the same type and
   * data returns the existing credential (`created: false`, as Nylas does), different data is a 409.
   */
  async createCredential(provider: string, input: CredentialInput): Promise<{ credential: CredentialRecord; created: boolean }> {
    await this.#require(provider);
    checkCredential(provider, input.type, input.data);
    const existing = (await this.#d.store.listCredentials(provider)).find((c) => c.name === input.name);
    if (existing) {
      if (existing.type === input.type && sameData(this.credentialData(existing), input.data)) return { credential: existing, created: false };
      throw new GrantkitError('conflict', `A credential named "${input.name}" already exists for "${provider}".`);
    }
    const now = this.#d.now();
    const id = randomUUID();
    const credential: CredentialRecord = {
      id,
      provider,
      name: input.name,
      type: input.type,
      data: this.#d.keyring.seal(JSON.stringify(input.data), `credential:${id}`),
      createdAt: now,
      updatedAt: now,
    };
    await this.#d.store.putCredential(credential);
    return { credential, created: true };
  }

  /** A credential of this connector, or undefined (another connector's credential is not found here). */
  async getCredential(provider: string, id: string): Promise<CredentialRecord | undefined> {
    const c = await this.#d.store.getCredential(id);
    return c?.provider === provider ? c : undefined;
  }

  async listCredentials(provider: string): Promise<CredentialRecord[]> {
    await this.#require(provider);
    return this.#d.store.listCredentials(provider);
  }

  async updateCredential(provider: string, id: string, patch: { name?: string; data?: Readonly<Record<string, string>> }): Promise<CredentialRecord> {
    const current = await this.getCredential(provider, id);
    if (!current) throw credentialNotFound();
    if (patch.data) checkCredential(provider, current.type, patch.data);
    if (patch.name !== undefined && patch.name !== current.name) {
      const clash = (await this.#d.store.listCredentials(provider)).some((c) => c.name === patch.name);
      if (clash) throw new GrantkitError('conflict', `A credential named "${patch.name}" already exists for "${provider}".`);
    }
    const updated: CredentialRecord = {
      ...current,
      name: patch.name ?? current.name,
      data: patch.data ? this.#d.keyring.seal(JSON.stringify(patch.data), `credential:${id}`) : current.data,
      updatedAt: this.#d.now(),
    };
    await this.#d.store.putCredential(updated);
    return updated;
  }

  /** The active credential of a connector cannot be deleted (§3.11); make another active first. */
  async deleteCredential(provider: string, id: string): Promise<void> {
    const current = await this.getCredential(provider, id);
    if (!current) throw credentialNotFound();
    const connector = await this.#d.store.getConnector(provider);
    if (connector?.activeCredentialId === id) {
      throw bad('This credential is the connector\'s active credential; set another "active_credential_id" first.');
    }
    await this.#d.store.deleteCredential(id);
  }

  /** A credential's data in the clear, for a call to the provider. */
  credentialData(c: CredentialRecord): Record<string, string> {
    return JSON.parse(this.#d.keyring.open(c.data, `credential:${c.id}`)) as Record<string, string>;
  }

  async #require(provider: string): Promise<ConnectorRecord> {
    const c = await this.#d.store.getConnector(provider);
    if (!c) throw new GrantkitError('not_found', `No connector for provider "${provider.slice(0, 64)}".`);
    return c;
  }

  async #checked(record: ConnectorRecord, activeCredentialId: string | null | undefined): Promise<ConnectorRecord> {
    if (record.allowedScopes !== null) {
      const outside = record.defaultScopes.filter((s) => !record.allowedScopes!.includes(s));
      if (outside.length > 0) throw bad(`Default scope "${outside[0]!.slice(0, 128)}" is not in "allowed_scopes".`);
    }
    if (activeCredentialId === undefined) return record;
    if (activeCredentialId !== null) {
      const c = await this.#d.store.getCredential(activeCredentialId);
      if (c?.provider !== record.provider) throw bad('"active_credential_id" does not name a credential of this connector.');
    }
    return { ...record, activeCredentialId };
  }
}

function checkCredential(provider: string, type: CredentialType, data: Readonly<Record<string, string>>): void {
  if (!CREDENTIAL_PROVIDERS[type].has(provider)) {
    throw bad(`A "${type}" credential does not apply to the ${provider} connector.`);
  }
  const missing = REQUIRED_DATA[type].find((k) => typeof data[k] !== 'string' || data[k] === '');
  if (missing) throw bad(`"credential_data.${missing}" is required for a "${type}" credential.`);
}

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function bad(message: string): GrantkitError {
  return new GrantkitError('invalid_request', message);
}

function credentialNotFound(): GrantkitError {
  return new GrantkitError('not_found', 'Credential not found.');
}
