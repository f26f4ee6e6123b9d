import type { AuditTrail } from './audit/trail.js';
import { hashSecret, newSecret, TOKEN_PREFIX } from './crypto/tokens.js';
import type { Store } from './store/store.js';
import type { TokenRecord } from './store/records.js';

/**
 * v3 application-level API keys (Nylas: "an API key ... can be used with any Grant ID").
 *
 * A key is shown once, when it is created, and stored as its SHA-256 only: a TokenRecord of kind
 * `api_key` with no grant, so `store.resolve()` finds it on the same hot path as an access token.
 * Label and expiry travel in the record's `data` JSON; expiry is also the record's `expiresAt`, so
 * every store enforces it. Several keys may be live at once, which is how a key is rotated
 * without downtime: create the new one, deploy it, revoke the old one.
 */
export interface ApiKeyInfo {
  /** A stable public id (not the key): `key_` and 16 characters of the hash. Use it to revoke. */
  readonly id: string;
  readonly label: string;
  /** The client (application) the key belongs to: it sees that client's grants only. */
  readonly clientId: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Null: no expiry. */
  readonly expiresAt: number | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The key itself. It is not stored and cannot be shown again. */
  readonly key: string;
}

export interface CreateApiKeyOptions {
  readonly label?: string;
  /** Absolute expiry, milliseconds since the epoch, or a Date. */
  readonly expiresAt?: number | Date;
  /** Defaults to the first configured client. */
  readonly clientId?: string;
}

/** A key imported from configuration (e.g. `GRANTKIT_API_KEY`) must still be hard to guess. */
export const MIN_IMPORTED_KEY_LENGTH = 20;

interface KeyData {
  readonly id: string;
  readonly label: string;
}

export class ApiKeys {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #defaultClient: string;
  readonly #hasClient: (id: string) => boolean;
  readonly #audit: AuditTrail | undefined;

  constructor(store: Store, now: () => number, defaultClient: string, hasClient: (id: string) => boolean, audit?: AuditTrail) {
    this.#store = store;
    this.#now = now;
    this.#defaultClient = defaultClient;
    this.#hasClient = hasClient;
    this.#audit = audit;
  }

  /** A new random key (`gk_key_` + 256 bits). The returned `key` is the only copy. */
  async create(options: CreateApiKeyOptions = {}): Promise<CreatedApiKey> {
    return this.#save(newSecret(TOKEN_PREFIX.apiKey), options);
  }

  /**
   * Registers a key the app already has (any string of 20+ characters, taken exactly as given),
   * so a key kept in the environment survives restarts of a memory store. Importing the same key
   * twice keeps one record.
   */
  async import(key: string, options: CreateApiKeyOptions = {}): Promise<CreatedApiKey> {
    if (typeof key !== 'string' || key.length < MIN_IMPORTED_KEY_LENGTH) {
      throw new TypeError(`grantkit: an API key must be a string of at least ${MIN_IMPORTED_KEY_LENGTH} characters`);
    }
    if (/\s/.test(key) || !/^[A-Za-z0-9\-._~+/]+=*$/.test(key)) {
      // It travels as `Authorization: Bearer <key>`, so it must be a valid RFC 6750 b64token.
      throw new TypeError('grantkit: an API key may only use the characters A-Z a-z 0-9 - . _ ~ + / (and trailing =)');
    }
    return this.#save(key, options);
  }

  async list(clientId?: string): Promise<ApiKeyInfo[]> {
    const records = await this.#store.listTokens(clientId === undefined ? { kind: 'api_key' } : { kind: 'api_key', clientId });
    return records.map(toInfo).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Revokes by public id, or by the key itself. True when a key was removed. */
  async revoke(idOrKey: string): Promise<boolean> {
    let hash = hashSecret(idOrKey);
    if (idOrKey.startsWith('key_')) {
      const records = await this.#store.listTokens({ kind: 'api_key' });
      const found = records.find((r) => toInfo(r).id === idOrKey);
      if (found === undefined) return false;
      hash = found.hash;
    }
    const revoked = await this.#store.revokeToken(hash);
    if (revoked === undefined) return false;
    if (revoked.kind === 'api_key') this.#audit?.emit({ type: 'apikey.revoked', keyId: publicId(revoked.hash), clientId: revoked.clientId });
    return true;
  }

  async #save(key: string, options: CreateApiKeyOptions): Promise<CreatedApiKey> {
    const clientId = options.clientId ?? this.#defaultClient;
    if (!this.#hasClient(clientId)) throw new TypeError(`grantkit: API key names unknown client "${clientId}"`);
    const expiresAt = options.expiresAt instanceof Date ? options.expiresAt.getTime() : (options.expiresAt ?? null);
    if (expiresAt !== null && !Number.isFinite(expiresAt)) throw new TypeError('grantkit: API key "expiresAt" must be a time');
    const label = (options.label ?? '').slice(0, 256);
    const hash = hashSecret(key);
    const data: KeyData = { id: publicId(hash), label };
    const record: TokenRecord = {
      hash,
      kind: 'api_key',
      clientId,
      grantId: null,
      family: null,
      createdAt: this.#now(),
      expiresAt,
      data: JSON.stringify(data),
    };
    await this.#store.putToken(record);
    this.#audit?.emit({ type: 'apikey.created', keyId: data.id, clientId });
    return { ...toInfo(record), key };
  }
}

/** A key's public id, from its hash: what lists, revocations and the audit trail name it by. */
export function publicId(hash: string): string {
  return `key_${hash.slice(0, 16)}`;
}

function toInfo(r: TokenRecord): ApiKeyInfo {
  let label = '';
  try {
    const parsed: unknown = JSON.parse(r.data ?? '{}');
    if (typeof parsed === 'object' && parsed !== null && 'label' in parsed && typeof parsed.label === 'string') label = parsed.label;
  } catch {
    // A record written by something else: keep the key usable, show no label.
  }
  return { id: publicId(r.hash), label, clientId: r.clientId, createdAt: r.createdAt, expiresAt: r.expiresAt };
}
