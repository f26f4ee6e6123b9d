import { hashSecret, secretMatchesHash } from './crypto/tokens.js';

/** One of the app's OAuth clients, as configured. */
export interface ClientOptions {
  /** The app's client id (Nylas "application" client_id). */
  readonly id: string;
  /** Omit for a public client. */
  readonly secret?: string;
  /** Registered callback URIs, matched exactly. */
  readonly callbackUris?: readonly string[];
}

export interface RegisteredClient {
  readonly id: string;
  /** SHA-256 of the secret; null for a public client. The plaintext is not kept. */
  readonly secretHash: string | null;
  readonly callbackUris: readonly string[];
}

/** The app's OAuth clients, from configuration. */
export class ClientRegistry {
  readonly #clients = new Map<string, RegisteredClient>();

  constructor(clients: readonly ClientOptions[]) {
    for (const c of clients) {
      if (this.#clients.has(c.id)) throw new TypeError(`grantkit: option "clients" lists "${c.id}" twice`);
      this.#clients.set(c.id, {
        id: c.id,
        secretHash: c.secret === undefined ? null : hashSecret(c.secret),
        callbackUris: Object.freeze([...(c.callbackUris ?? [])]),
      });
    }
  }

  get(id: string): RegisteredClient | undefined {
    return this.#clients.get(id);
  }

  /** Constant-time. A public client has no secret, so nothing matches it. */
  secretMatches(client: RegisteredClient, given: string): boolean {
    return client.secretHash !== null && secretMatchesHash(given, client.secretHash);
  }

  /** Finds the client a bare secret belongs to (v2 `/a/*` routes send only the secret). Constant-time per client. */
  bySecret(given: string): RegisteredClient | undefined {
    let found: RegisteredClient | undefined;
    for (const c of this.#clients.values()) if (this.secretMatches(c, given)) found = c;
    return found;
  }
}
