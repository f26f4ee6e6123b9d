import * as z from 'zod';
import type { ScopeVocabulary } from '../scopes/vocabulary.js';
import type { CredentialType, ProviderEndpoints } from '../connectors/connector-records.js';
import type { GrantIdentity, GrantStatus, TokenKind } from './records.js';

/**
 * The fields of the stored records, as zod schemas: what every store checks a record against when
 * it reads one back (stored.ts). Each enumeration is written out as an object keyed by the type's
 * own members, so the compiler rejects a member missing from it or one the type does not have.
 */

type Members<T extends string> = { readonly [K in T]: K };

const TOKEN_KINDS: Members<TokenKind> = { access: 'access', refresh: 'refresh', code: 'code', flow: 'flow', api_key: 'api_key' };
const GRANT_STATUSES: Members<GrantStatus> = { valid: 'valid', invalid: 'invalid' };
const SCOPE_VOCABULARIES: Members<ScopeVocabulary> = { v2: 'v2', v3: 'v3' };
const STRENGTHS: Members<GrantIdentity['strength']> = { verified: 'verified', unverified: 'unverified' };
const CREDENTIAL_TYPES: Members<CredentialType> = { serviceaccount: 'serviceaccount', adminconsent: 'adminconsent', connector: 'connector' };

export const tokenKind = z.enum(TOKEN_KINDS);
export const grantStatus = z.enum(GRANT_STATUSES);
export const scopeVocabulary = z.enum(SCOPE_VOCABULARIES);
export const credentialType = z.enum(CREDENTIAL_TYPES);
export const stringList = z.array(z.string());

export const grantIdentity = z.object({
  subject: z.string(),
  strength: z.enum(STRENGTHS),
  method: z.string(),
}) satisfies z.ZodType<GrantIdentity>;

export const connectorSettings = z.record(z.string(), z.string());

/** Endpoint overrides: any of the three, each only when it was set. */
export const connectorEndpoints = z.object({
  authorizationUrl: z.string().optional(),
  tokenUrl: z.string().optional(),
  userinfoUrl: z.string().optional(),
}) satisfies z.ZodType<Partial<ProviderEndpoints>>;
