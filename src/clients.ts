import { hashSecret, secretMatchesHash } from './crypto/tokens.js';
import type { PageTheme } from './errors/page-theme.js';

/** A client as the resolved options hold it: ids unique, callback URIs checked (kit/options.ts). */
export interface ResolvedClient {
  readonly id: string;
  /** Undefined for a public client. */
  readonly secret: string | undefined;
  readonly callbackUris: readonly string[];
  /** Whether hosted sign-in asks the user to allow the scopes before the provider step; absent is off. */
  readonly consent?: boolean;
  /** The app's name, icon and accent colour on the hosted pages; absent when it has none. */
  readonly theme?: PageTheme;
}

export interface RegisteredClient {
  readonly id: string;
  /** SHA-256 of the secret; null for a public client. The plaintext is not kept. */
  readonly secretHash: string | null;
  readonly callbackUris: readonly string[];
  /** Whether hosted sign-in shows the consent screen; absent is off. */
  readonly consent?: boolean;
  /** The hosted pages' look for this client; absent is grantkit's plain pages. */
  readonly theme?: PageTheme;
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
        ...(c.consent === true && { consent: true }),
        ...(c.theme !== undefined && { theme: c.theme }),
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
