import { hashSecret, secretMatchesHash } from './crypto/tokens.js';

/** A client as the resolved options hold it: ids unique, callback URIs checked (kit/options.ts). */
export interface ResolvedClient {
  readonly id: string;
  /** Undefined for a public client. */
  readonly secret: string | undefined;
  readonly callbackUris: readonly string[];
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

  constructor(clients: readonly ResolvedClient[]) {
    for (const c of clients) {
      this.#clients.set(c.id, {
        id: c.id,
        secretHash: c.secret === undefined ? null : hashSecret(c.secret),
        callbackUris: c.callbackUris,
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
