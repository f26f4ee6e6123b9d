import { bad } from './errors.js';
import { OAUTH_PROVIDERS, type CredentialType, type ProviderEndpoints } from './connector-records.js';

/** A connector as the app describes it (camelCase; the HTTP routes map the wire form onto this). */
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
  /**
   * The clients an app connector serves (configured in code); leave it out to serve every client.
   * Not settable over HTTP: a client's connector serves that client only.
   */
  readonly clients?: readonly string[] | null;
}

export type ConnectorPatch = Omit<ConnectorInput, 'provider'>;

export interface CredentialInput {
  readonly name: string;
  readonly type: CredentialType;
  readonly data: Readonly<Record<string, string>>;
}

export type CredentialPatch = { readonly name?: string; readonly data?: Readonly<Record<string, string>> };

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

/** Throws a 400 unless the provider takes this credential type and the data has the fields it needs. */
export function checkCredential(provider: string, type: CredentialType, data: Readonly<Record<string, string>>): void {
  if (!CREDENTIAL_PROVIDERS[type].has(provider)) {
    throw bad(`A "${type}" credential does not apply to the ${provider} connector.`);
  }
  const missing = REQUIRED_DATA[type].find((k) => typeof data[k] !== 'string' || data[k] === '');
  if (missing) throw bad(`"credential_data.${missing}" is required for a "${type}" credential.`);
}

/** The same fields with the same values, in any order. */
export function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
