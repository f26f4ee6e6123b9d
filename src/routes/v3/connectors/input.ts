import * as z from 'zod';
import type { ConnectorInput, ConnectorPatch } from '../../../connectors/inputs.js';
import { parseInput } from '../../../http/validate.js';

/**
 * The wire form of connectors mapped onto the library's ConnectorInput. Settings take the
 * documented keys only, so a secret sent under a misspelt key is refused rather than stored and
 * echoed in the clear. Endpoint overrides are not settable over HTTP (an API-key holder could
 * otherwise send the client secret to a host of their choosing); use `providerEndpoints`.
 */
const settings = z
  .object({
    client_id: z.string().min(1).max(512).optional(),
    client_secret: z.string().min(1).max(2048).optional(),
    tenant: z.string().min(1).max(256).optional(),
    topic_name: z.string().min(1).max(512).optional(),
  })
  .strict();

const scopes = z.array(z.string().min(1).max(512)).max(200);

export const connectorCreateBody = z.object({
  provider: z.string().min(1).max(64),
  name: z.string().min(1).max(256).optional(),
  settings: settings.optional(),
  scope: scopes.optional(),
  allowed_scopes: scopes.optional(),
});

export const connectorUpdateBody = z.object({
  name: z.string().min(1).max(256).optional(),
  settings: settings.optional(),
  scope: scopes.optional(),
  allowed_scopes: scopes.nullable().optional(),
  active_credential_id: z.string().min(1).max(256).nullable().optional(),
});

type Settings = z.infer<typeof settings>;

function split(s: Settings | undefined): Pick<ConnectorInput, 'clientId' | 'clientSecret' | 'settings'> {
  if (s === undefined) return {};
  const { client_id, client_secret, ...rest } = s;
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) plain[k] = v;
  return {
    ...(client_id === undefined ? {} : { clientId: client_id }),
    ...(client_secret === undefined ? {} : { clientSecret: client_secret }),
    ...(Object.keys(plain).length > 0 ? { settings: plain } : {}),
  };
}

export function connectorCreateInput(body: unknown): ConnectorInput {
  const b = parseInput(connectorCreateBody, body);
  return {
    provider: b.provider,
    ...(b.name === undefined ? {} : { name: b.name }),
    ...split(b.settings),
    ...(b.scope === undefined ? {} : { defaultScopes: b.scope }),
    ...(b.allowed_scopes === undefined ? {} : { allowedScopes: b.allowed_scopes }),
  };
}

export function connectorPatchInput(body: unknown): ConnectorPatch {
  const b = parseInput(connectorUpdateBody, body);
  return {
    ...(b.name === undefined ? {} : { name: b.name }),
    ...split(b.settings),
    ...(b.scope === undefined ? {} : { defaultScopes: b.scope }),
    ...(b.allowed_scopes === undefined ? {} : { allowedScopes: b.allowed_scopes }),
    ...(b.active_credential_id === undefined ? {} : { activeCredentialId: b.active_credential_id }),
  };
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** limit/offset paging shared by the connector and credential lists (and sort for credentials). */
export const pageQuery = z.object({
  limit: int(1, 200).default(10),
  offset: int(0, 1_000_000).default(0),
  // The SDK documents camelCase values and does not snake-case them; accept both spellings.
  sort_by: z.enum(['created_at', 'updated_at', 'createdAt', 'updatedAt']).default('created_at'),
  order_by: z.enum(['asc', 'desc']).default('desc'),
});
