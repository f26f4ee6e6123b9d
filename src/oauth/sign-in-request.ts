import * as z from 'zod';
import { GrantKitError } from '../errors/error.js';
import type { KitContext } from '../kit/context.js';
import type { PkceMethod } from './pkce.js';

/**
 * A hosted sign-in request once its client, callback URI, response type, scopes and PKCE have
 * been checked, before a provider is chosen. The email page and the credential forms carry it
 * between requests (in their page flow, page-flow.ts), so the provider step that follows is the
 * one `/oauth/authorize` or `/v3/connect/auth` would have taken with the provider named.
 */
export interface SignInRequest {
  readonly api: 'v2' | 'v3';
  readonly clientId: string;
  readonly redirectUri: string;
  readonly responseType: 'code' | 'token';
  readonly state?: string;
  readonly loginHint?: string;
  readonly accessType: 'online' | 'offline';
  /** v2: the Nylas scopes asked for, defaults applied; v3: the `scope` strings, or null for the connector's defaults. */
  readonly scopes: readonly string[] | null;
  readonly challenge?: string;
  readonly method?: PkceMethod;
  /** v3 `nonce`: the id_token of the code this request ends in carries it back. */
  readonly nonce?: string;
  /** v2 `redirect_on_error`; always true in v3. */
  readonly redirectOnError: boolean;
  /** The locale every page of the sign-in speaks, chosen when it began (page-look.ts); absent is English. */
  readonly locale?: string;
  /** The authorize request's query, so the picker's links can repeat it with a provider named. */
  readonly query: string;
}

/** What a hosted flow keeps of its sign-in request from the redirect to the provider to the callback (flow-state.ts). */
export type FlowRequest = Omit<SignInRequest, 'scopes' | 'query'>;

/** The fields of a FlowRequest as stored: in the page flow of a sign-in form, and in the flow itself. */
export const flowRequestFields = {
  api: z.enum(['v2', 'v3']),
  clientId: z.string(),
  redirectUri: z.string(),
  responseType: z.enum(['code', 'token']),
  state: z.string().optional(),
  loginHint: z.string().optional(),
  accessType: z.enum(['online', 'offline']),
  challenge: z.string().optional(),
  method: z.enum(['S256', 's256', 'plain']).optional(),
  nonce: z.string().optional(),
  redirectOnError: z.boolean(),
  locale: z.string().max(16).optional(),
} satisfies { readonly [K in keyof FlowRequest]-?: z.ZodType<FlowRequest[K]> };

export const signInRequestSchema: z.ZodType<SignInRequest> = z.object({
  ...flowRequestFields,
  scopes: z.array(z.string()).nullable(),
  query: z.string(),
});

/** Where the sign-in forms post, under the public URL: forms need it, as provider callbacks do. */
export function signInUrl(kit: KitContext, form: 'email' | 'credentials' | 'consent'): string {
  if (kit.hosted.publicUrl === undefined) {
    throw new GrantKitError('not_found', 'Hosted authentication is not configured: set the "hostedOAuth.publicUrl" option.');
  }
  return `${kit.hosted.publicUrl}/oauth/signin/${form}`;
}

/** The authorize URL this request started at, with `changes` to its query (a provider named, the address typed...). */
export function authorizeLink(kit: KitContext, r: SignInRequest, changes: Readonly<Record<string, string>>): string {
  const q = new URLSearchParams(r.query);
  for (const [k, v] of Object.entries(changes)) q.set(k, v);
  const path = r.api === 'v2' ? '/oauth/authorize' : '/v3/connect/auth';
  return `${kit.hosted.publicUrl ?? ''}${path}?${q.toString()}`;
}
