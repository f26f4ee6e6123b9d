import { GrantKitError } from '../errors/error.js';
import type { KitContext } from '../kit/context.js';
import type { Route } from '../routes/route.js';
import { V2_SCOPES } from '../scopes/catalog.js';
import { IDENTITY_SCOPES } from '../scopes/vocabulary.js';

/**
 * The authorization server's metadata, as OpenID Connect Discovery 1.0
 * (`/.well-known/openid-configuration`) and RFC 8414 (`/.well-known/oauth-authorization-server`)
 * publish it: one document, served at both, so a general OAuth or OpenID client configures itself
 * from the issuer alone.
 *
 * It lists only the endpoints the app mounted (`routes({ only })`): a client must not be sent to a
 * path that falls through to the app. Endpoint URLs are the public URL's, which holds any mount
 * prefix, and never come from the request's Host or X-Forwarded-* headers.
 */

/** The endpoints a document can list: the metadata name, and the route that serves it. */
const ENDPOINTS: ReadonlyArray<readonly [name: string, method: Route['method'], path: string]> = [
  ['authorization_endpoint', 'GET', '/v3/connect/auth'],
  ['token_endpoint', 'POST', '/v3/connect/token'],
  ['jwks_uri', 'GET', '/.well-known/jwks.json'],
  ['userinfo_endpoint', 'GET', '/v3/connect/userinfo'],
  ['revocation_endpoint', 'POST', '/v3/connect/revoke'],
  ['introspection_endpoint', 'POST', '/v3/connect/introspect'],
];

/** Client authentication at the token and revocation endpoints (auth/client-auth.ts); a public client sends its id alone. */
const CLIENT_AUTH = ['client_secret_basic', 'client_secret_post', 'none'] as const;

/** `mounted`: the routes mounted alongside the document's own; undefined when every route is. */
export function discoveryDocument(kit: KitContext, mounted: ReadonlySet<Route> | undefined): Record<string, unknown> {
  const base = kit.hosted.publicUrl;
  if (base === undefined) {
    throw new GrantKitError('not_found', 'Discovery is not configured: set the "hostedOAuth.publicUrl" option, under which its endpoints are.');
  }
  const serves = (method: string, path: string): boolean =>
    mounted === undefined || [...mounted].some((r) => r.method === method && r.path === path);
  const endpoints = Object.fromEntries(ENDPOINTS.filter(([, method, path]) => serves(method, path)).map(([name, , path]) => [name, base + path]));
  return {
    issuer: kit.options.issuer,
    ...endpoints,
    scopes_supported: [...new Set([...IDENTITY_SCOPES.v3, ...V2_SCOPES])],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: kit.hosted.allowPlainPkce ? ['S256', 'plain'] : ['S256'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH,
    // Introspection tells whoever asks about a token: only a client that proves itself may ask.
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH.filter((m) => m !== 'none'),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [kit.options.hostedOAuth.idTokenKey?.alg ?? 'RS256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'email', 'email_verified', 'name', 'nonce'],
    authorization_response_iss_parameter_supported: true,
  };
}
