import * as z from 'zod';
import { customAuthBody } from '../flows/custom.js';
import { nativeAuthorizeBody, nativeTokenBody } from '../flows/native.js';
import { v2AuthorizeQuery, v3AuthorizeQuery } from '../oauth/authorize.js';
import { callbackQuery } from '../oauth/callback.js';
import { consentForm } from '../oauth/consent-sign-in.js';
import { credentialForm } from '../oauth/credential-sign-in.js';
import { emailForm } from '../oauth/email-step.js';
import { introspectionForm } from '../oauth/introspection.js';
import { revocationForm } from '../oauth/revocation.js';
import { v2TokenBody, v3TokenBody } from '../oauth/token.js';
import { tokenInfoBody } from '../routes/v2/a/[client_id]/accounts/[account_id]/token-info.post.js';
import { accountsQuery } from '../routes/v2/a/[client_id]/accounts/index.get.js';
import { credentialCreateBody, credentialUpdateBody } from '../routes/v3/connectors/[provider]/creds/input.js';
import { connectorCreateBody, connectorUpdateBody, pageQuery } from '../routes/v3/connectors/input.js';
import { grantPatchBody } from '../routes/v3/grants/[grant_id].patch.js';
import { grantsQuery } from '../routes/v3/grants/index.get.js';
import { detectQuery } from '../routes/v3/providers/detect.post.js';

/**
 * What the document says of each of grantkit's own routes, keyed by method and path as the route
 * table names them (`/v3/integrations` aliases read as `/v3/connectors`). The input schemas are the
 * ones the routes validate with, so the document accepts what the routes accept;
 * test/core/openapi/document.test.ts holds this table to the route families, one entry per route.
 */

/**
 * Who may call a route: nobody in particular, a client (secret optional or required), an access
 * token, an API key, either, or (revocation) a client by RFC 7009 or either bearer by Nylas's form.
 */
export type Caller = 'anyone' | 'client-optional' | 'client' | 'client-basic' | 'token' | 'api-key' | 'api-key-or-token' | 'client-or-bearer';

/** What a route answers when it succeeds: JSON, an empty body, a redirect, or nothing (a CORS preflight). */
export type Answer = 'json' | 'empty' | 'redirect' | 'preflight';

export interface OperationSpec {
  readonly summary: string;
  readonly caller: Caller;
  readonly status: number;
  readonly answer: Answer;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Whether the body may also come as an HTML form (every v2 and OAuth body; v3's take JSON objects). */
  readonly form?: boolean;
  /** The body may be left out (revocation's Nylas form sends none). */
  readonly bodyOptional?: boolean;
  /** Errors are pages for the person signing in, not JSON for a client. */
  readonly pages?: boolean;
}

// Routes that read their query by hand (revoke and tokeninfo take exactly one token) are described here.
// Revocation takes its token in the query (Nylas's form) or in the body (RFC 7009's), never both.
const revokeQuery = z.object({ token: z.string().min(1).optional() });
const tokenInfoQuery = z.object({ access_token: z.string().optional(), id_token: z.string().optional() });

const json = (summary: string, caller: Caller, more: Partial<OperationSpec> = {}): OperationSpec => ({
  summary,
  caller,
  status: 200,
  answer: 'json',
  ...more,
});
const signIn = (summary: string, more: Partial<OperationSpec>): OperationSpec => ({
  summary,
  caller: 'anyone',
  status: 302,
  answer: 'redirect',
  pages: true,
  ...more,
});

export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  // native
  'POST /connect/authorize': json('Verify an account\'s credentials with its provider and issue a one-time code (v2 native)', 'client-optional', {
    body: nativeAuthorizeBody,
    form: true,
  }),
  'POST /connect/token': json('Redeem a one-time code for the account and its access token (v2 native)', 'client', { body: nativeTokenBody, form: true }),
  'GET /account': json('The account of the access token', 'token'),
  'POST /oauth/revoke': json('Revoke the access token that calls', 'token', { answer: 'empty' }),
  'POST /v3/connect/custom': json('Create or re-authenticate a grant with provider credentials (v3 custom authentication)', 'api-key', {
    status: 201,
    body: customAuthBody,
  }),
  // hosted
  'GET /oauth/authorize': signIn('Start v2 hosted sign-in', { query: v2AuthorizeQuery }),
  'GET /oauth/token': json('Exchange a hosted sign-in code for an access token, the request in the query (v2)', 'client', { query: v2TokenBody }),
  'POST /oauth/token': json('Exchange a hosted sign-in code for an access token (v2)', 'client', { body: v2TokenBody, form: true }),
  'GET /oauth/callback/:provider': signIn("The provider's redirect back to grantkit", { query: callbackQuery }),
  'POST /oauth/signin/email': signIn("The hosted email page's form", { status: 303, body: emailForm, form: true }),
  'POST /oauth/signin/credentials': signIn('A hosted credential form', { status: 303, body: credentialForm, form: true }),
  'POST /oauth/signin/consent': signIn("The hosted consent screen's answer", { status: 303, body: consentForm, form: true }),
  'GET /v3/connect/auth': signIn('Start v3 hosted sign-in', { query: v3AuthorizeQuery }),
  'POST /v3/connect/token': json('Exchange a code or a refresh token for tokens (v3)', 'client', { body: v3TokenBody, form: true }),
  'OPTIONS /v3/connect/token': { summary: "CORS preflight of a single-page app's token request", caller: 'anyone', status: 204, answer: 'preflight' },
  'POST /v3/connect/revoke': json(
    "Revoke a token and the tokens issued along with it: Nylas's ?token= with a bearer, or RFC 7009's form body with client authentication",
    'client-or-bearer',
    { query: revokeQuery, body: revocationForm, form: true, bodyOptional: true },
  ),
  'GET /v3/connect/tokeninfo': json('Claims of an access token or id_token the caller owns', 'api-key-or-token', { query: tokenInfoQuery }),
  'POST /v3/connect/introspect': json("Whether a token of the client is live, and what it may do (RFC 7662)", 'client', { body: introspectionForm, form: true }),
  'GET /v3/connect/userinfo': json("Who the access token's user is (OpenID Connect UserInfo)", 'token'),
  'POST /v3/connect/userinfo': json("Who the access token's user is (OpenID Connect UserInfo, as POST)", 'token'),
  // admin
  'GET /v3/grants': json("The API key's client's grants, filtered, sorted and paged", 'api-key', { query: grantsQuery }),
  'GET /v3/grants/:grant_id': json('One grant, by id or email; `me` with an access token', 'api-key-or-token'),
  'PATCH /v3/grants/:grant_id': json("Narrow a grant's scopes or replace its provider credentials", 'api-key', { body: grantPatchBody }),
  'DELETE /v3/grants/:grant_id': json('Delete a grant and its tokens', 'api-key'),
  'POST /v3/providers/detect': json("Detect an email address's provider", 'api-key-or-token', { query: detectQuery }),
  'POST /v3/connectors': json('Create a connector', 'api-key', { status: 201, body: connectorCreateBody }),
  'GET /v3/connectors': json("The client's connectors, paged", 'api-key', { query: pageQuery }),
  'GET /v3/connectors/:provider': json('One connector; its secret is never returned', 'api-key'),
  'PATCH /v3/connectors/:provider': json('Update a connector', 'api-key', { body: connectorUpdateBody }),
  'PUT /v3/connectors/:provider': json('Update a connector (as PATCH; the v8 SDK sends PUT)', 'api-key', { body: connectorUpdateBody }),
  'DELETE /v3/connectors/:provider': json('Delete a connector and its credentials', 'api-key'),
  'POST /v3/connectors/:provider/creds': json('Create a credential of a connector', 'api-key', { status: 201, body: credentialCreateBody }),
  'GET /v3/connectors/:provider/creds': json("A connector's credentials, paged", 'api-key', { query: pageQuery }),
  'GET /v3/connectors/:provider/creds/:id': json('One credential; its data is never returned', 'api-key'),
  'PATCH /v3/connectors/:provider/creds/:id': json("Rename a credential or replace its data", 'api-key', { body: credentialUpdateBody }),
  'DELETE /v3/connectors/:provider/creds/:id': json('Delete a credential', 'api-key'),
  'GET /a/:client_id/accounts': json("The client's accounts (v2 management)", 'client-basic', { query: accountsQuery }),
  'GET /a/:client_id/accounts/:account_id': json('One account of the client (v2 management)', 'client-basic'),
  'DELETE /a/:client_id/accounts/:account_id': json('Delete an account and its tokens (v2 management)', 'client-basic'),
  'POST /a/:client_id/accounts/:account_id/token-info': json('What an access token of the account may do (v2 management)', 'client-basic', {
    body: tokenInfoBody,
    form: true,
  }),
  // jwks
  'GET /.well-known/jwks.json': json("The public key that signs hosted sign-in's id_tokens", 'anyone'),
  // discovery
  'GET /.well-known/openid-configuration': json('The authorization server metadata (OpenID Connect Discovery)', 'anyone'),
  'GET /.well-known/oauth-authorization-server': json('The authorization server metadata (RFC 8414)', 'anyone'),
};

/** The entry for a route, the `/v3/integrations` aliases read as the connectors they stand for. */
export function operationSpec(method: string, path: string): OperationSpec | undefined {
  return OPERATIONS[`${method} ${path.replace(/^\/v3\/integrations(?=\/|$)/, '/v3/connectors')}`];
}
