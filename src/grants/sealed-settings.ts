import type { Keyring } from '../crypto/keyring.js';
import { isJsonObject } from '../http/json-object.js';
import type { GrantRecord } from '../store/records.js';

/**
 * What v3 custom authentication keeps about a grant beyond the provider settings. GrantRecord has
 * no columns for it (stores are written against the foundation's record), so it rides inside the
 * sealed settings under one reserved key. None of it is secret, but sealing it costs nothing.
 */
export interface GrantMeta {
  /** False when a bulk grant could not be checked at the provider (offline): see the README. */
  readonly verified: boolean;
  readonly state?: string;
  readonly credentialId?: string;
  /** The connector the grant was made through: webhooks report it as integration_id. */
  readonly connectorId?: string;
}

const META_KEY = '$grantkit';
const DEFAULT_META: GrantMeta = { verified: true };

export function sealGrantSettings(keyring: Keyring, grantId: string, settings: Readonly<Record<string, unknown>>, meta: GrantMeta): string {
  return keyring.seal(JSON.stringify({ ...settings, [META_KEY]: meta }), grantId);
}

/**
 * The connector a grant was made through, as recorded in its sealed settings: `null` when none is
 * recorded (the v2 `/connect/*` flow, custom authentication without a connector), `undefined`
 * when the settings cannot be opened. Unlike grantMeta, it tells "none" from "unreadable".
 */
export function recordedConnector(keyring: Keyring, grant: Pick<GrantRecord, 'id' | 'settings'>): string | null | undefined {
  if (grant.settings === null) return null;
  try {
    const meta = sealedMeta(keyring, grant.id, grant.settings);
    const id = isJsonObject(meta) ? meta['connectorId'] : undefined;
    return typeof id === 'string' ? id : null;
  } catch {
    return undefined;
  }
}

/** The metadata of a grant; grants made by the v2 flow have none and read as verified. */
export function grantMeta(keyring: Keyring, grant: Pick<GrantRecord, 'id' | 'settings'>): GrantMeta {
  if (grant.settings === null) return DEFAULT_META;
  try {
    const meta = sealedMeta(keyring, grant.id, grant.settings);
    return isGrantMeta(meta) ? meta : DEFAULT_META;
  } catch {
    // A key removed from the ring: the grant still lists, without its metadata.
    return DEFAULT_META;
  }
}

/**
 * What the settings hold under the reserved key, unchecked. Throws when they cannot be opened,
 * and when they open to JSON `null`, which has no keys to read.
 */
function sealedMeta(keyring: Keyring, grantId: string, settings: string): unknown {
  const parsed: unknown = JSON.parse(keyring.open(settings, grantId));
  if (parsed === null) throw new TypeError('the sealed settings are null');
  return isJsonObject(parsed) ? parsed[META_KEY] : undefined;
}

function isGrantMeta(value: unknown): value is GrantMeta {
  return (
    isJsonObject(value) &&
    typeof value['verified'] === 'boolean' &&
    optionalString(value['state']) &&
    optionalString(value['credentialId']) &&
    optionalString(value['connectorId'])
  );
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}
