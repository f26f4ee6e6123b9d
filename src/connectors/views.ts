import type { ConnectorRecord, CredentialRecord } from './connector-records.js';
import { unixSeconds } from '../http/unix-seconds.js';

/** The v3 connector object. The client secret is never echoed; the client id and other settings are. */
export function connectorView(c: ConnectorRecord): Record<string, unknown> {
  const settings: Record<string, string> = { ...c.settings };
  if (c.clientId !== null) settings['client_id'] = c.clientId;
  const view: Record<string, unknown> = {
    id: c.id,
    name: c.name,
    provider: c.provider,
    settings,
    scope: [...c.defaultScopes],
    active_credential_id: c.activeCredentialId,
    created_at: unixSeconds(c.createdAt),
    updated_at: unixSeconds(c.updatedAt),
  };
  if (c.allowedScopes !== null) view['allowed_scopes'] = [...c.allowedScopes];
  return view;
}

/** The v3 credential object: never the data, sealed or not. */
export function credentialView(c: CredentialRecord): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    credential_type: c.type,
    created_at: unixSeconds(c.createdAt),
    updated_at: unixSeconds(c.updatedAt),
  };
}
