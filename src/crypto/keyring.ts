import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM under a ring of keys. The first key seals; every key opens, so a key can be
 * rotated in by putting it first, and the old one dropped once `rotate-keys` has re-sealed
 * everything. Each sealed value names its key id, has a fresh 96-bit IV, and binds the
 * record id as additional data so a ciphertext cannot be moved onto another record.
 *
 * Format: `v1.<kid>.<iv>.<ciphertext>.<tag>`, parts base64url.
 */
export class Keyring {
  readonly #keys: ReadonlyArray<{ id: string; key: Buffer }>;

  /** Each secret is any string of 32 or more characters, stretched with HKDF-SHA256. */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new TypeError('grantkit: a Keyring needs at least one secret');
    this.#keys = secrets.map((s) => {
      const key = Buffer.from(hkdfSync('sha256', s, 'grantkit.keyring.v1', 'grantkit settings encryption', 32));
      return { id: hash('sha256', key, 'hex').slice(0, 12), key };
    });
  }

  /** The id of the key new writes use. */
  get currentKeyId(): string {
    return this.#keys[0]!.id;
  }

  seal(plaintext: string, aad: string): string {
    const { id, key } = this.#keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', id, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Throws KeyringError on an unknown key id or any tampering; never returns garbage. */
  open(sealed: string, aad: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new KeyringError('sealed value has an unknown format');
    const entry = this.#keys.find((k) => k.id === parts[1]);
    if (!entry) throw new KeyringError(`no key with id ${parts[1]} is configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(parts[2]!, 'base64url'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(parts[4]!, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new KeyringError('sealed value failed authentication', { cause });
    }
  }

  /** The key id a sealed value was written under (for rotation jobs). */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }
}

export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}
