/**
 * The connector model (Nylas: "A connector stores information ... so you don't need to include
 * them manually in all API calls"), shared by custom authentication and hosted OAuth.
 * One connector per owner and provider: the app's own, configured in code, and one per
 * client created over HTTP with that client's API key. Secrets are sealed by the keyring: a connector's client
 * secret with AAD `connector:<id>`, a credential's data with AAD `credential:<id>`.
 */

/** The provider names a connector may have. */
/** `oauth2` is grantkit's generic OAuth 2.0 connector (hosted OAuth): its endpoint URLs must be set on it. */
export const CONNECTOR_PROVIDERS = ['google', 'microsoft', 'imap', 'icloud', 'yahoo', 'ews', 'virtual-calendar', 'zoom', 'oauth2'] as const;
export type ConnectorProvider = (typeof CONNECTOR_PROVIDERS)[number];

const CONNECTOR_PROVIDER_SET: ReadonlySet<string> = new Set(CONNECTOR_PROVIDERS);

/** Whether a provider name can have a connector. */
export function isConnectorProvider(name: string): name is ConnectorProvider {
  return CONNECTOR_PROVIDER_SET.has(name);
}

/** Providers whose users authenticate with OAuth at the provider (a client id and secret are required). */
export const OAUTH_PROVIDERS: ReadonlySet<string> = new Set(['google', 'microsoft', 'yahoo', 'zoom', 'oauth2']);

/** Where a provider's OAuth endpoints live. `{tenant}` in a Microsoft URL is replaced by the tenant. */
export interface ProviderEndpoints {
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  /** Answers `{email|mail|userPrincipalName, name|displayName}` for a bearer access token. */
  readonly userinfoUrl: string;
}

export interface ConnectorRecord {
  /** Stable id; webhooks report it as `integration_id`. */
  readonly id: string;
  readonly provider: string;
  readonly name: string;
  /** The provider auth application's client id; null for providers without OAuth (imap, icloud...). */
  readonly clientId: string | null;
  /** The provider auth application's client secret, sealed; null when there is none. */
  readonly clientSecret: string | null;
  /** Non-secret provider settings as sent (`tenant`, `topic_name`); echoed back. */
  readonly settings: Readonly<Record<string, string>>;
  /** Scopes a grant gets when its request names none (the wire field `scope`). */
  readonly defaultScopes: readonly string[];
  /**
   * When set, every grant scope must be one of these strings, literally (Nylas: "the strings must
   * literally match those set on the provider auth application"). Null: no restriction.
   */
  readonly allowedScopes: readonly string[] | null;
  /** Endpoint overrides for this connector (tests, sovereign clouds); set in code, never over HTTP. */
  readonly endpoints: Readonly<Partial<ProviderEndpoints>> | null;
  readonly activeCredentialId: string | null;
  /**
   * Who the connector belongs to. A client id: it was created over HTTP with that client's API key,
   * serves that client only, and only that client's API keys see, change or delete it. Null: it is
   * the app's (configured in code, or older than ownership); HTTP can read it but never change it.
   */
  readonly owner: string | null;
  /**
   * The clients an app connector serves; null: every client. Always null for a client's connector,
   * which serves its owner only. A client's own connector wins over the app's for that client.
   */
  readonly clients: readonly string[] | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Does this connector serve sign-ins and custom authentication of that client? */
export function servesClient(c: Pick<ConnectorRecord, 'owner' | 'clients'>, clientId: string): boolean {
  if (c.owner !== null) return c.owner === clientId;
  return c.clients === null || c.clients.includes(clientId);
}

/**
 * - serviceaccount: a Google service account JSON (bulk grants for Google Workspace);
 * - adminconsent: a Microsoft app with tenant-wide admin consent (bulk grants over Graph);
 * - connector: another client id and secret to use instead of the connector's (an override).
 */
export type CredentialType = 'serviceaccount' | 'adminconsent' | 'connector';

export interface CredentialRecord {
  readonly id: string;
  readonly provider: string;
  /** Its connector's owner: with `provider`, it names the connector the credential belongs to. */
  readonly owner: string | null;
  /** Unique per connector. */
  readonly name: string;
  readonly type: CredentialType;
  /** The credential data as JSON, sealed with AAD `credential:<id>`. Never returned. */
  readonly data: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * Where connectors and credentials live. Kept apart from `Store` so that stores written against the
 * foundation's interface keep compiling; a store that also implements this (MemoryStore does) is
 * used for both, otherwise the kit takes `options.connectors` or an in-memory one.
 */
export interface ConnectorStore {
  /**
   * A connector is keyed by owner and provider: the app's (owner null) and each client's are
   * different connectors. A store must never answer one owner's connector for another's.
   */
  getConnector(provider: string, owner: string | null): Promise<ConnectorRecord | undefined>;
  /** Insert or replace by owner and provider. */
  putConnector(connector: ConnectorRecord): Promise<void>;
  /** Deletes the connector of that owner and provider and every credential of it. */
  deleteConnector(provider: string, owner: string | null): Promise<boolean>;
  /** Every owner's connectors, in the order first put. */
  listConnectors(): Promise<ConnectorRecord[]>;
  getCredential(id: string): Promise<CredentialRecord | undefined>;
  /** Insert or replace by id. */
  putCredential(credential: CredentialRecord): Promise<void>;
  deleteCredential(id: string): Promise<boolean>;
  /** The credentials of the connector of that owner and provider, in the order first put. */
  listCredentials(provider: string, owner: string | null): Promise<CredentialRecord[]>;
}

/** Every method of ConnectorStore, by name: the type makes this list complete. */
const CONNECTOR_STORE_METHODS: Readonly<Record<keyof ConnectorStore, true>> = {
  getConnector: true,
  putConnector: true,
  deleteConnector: true,
  listConnectors: true,
  getCredential: true,
  putCredential: true,
  deleteCredential: true,
  listCredentials: true,
};

/** Structural check: does this store also keep connectors? */
export function isConnectorStore(s: unknown): s is ConnectorStore {
  if (typeof s !== 'object' || s === null) return false;
  return Object.keys(CONNECTOR_STORE_METHODS).every((method) => typeof Reflect.get(s, method) === 'function');
}
