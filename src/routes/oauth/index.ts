import { isBasicScheme, withClientChallenge } from '../../auth/client-auth.js';
import { GrantkitError } from '../../errors/error.js';
import { renderError } from '../../errors/formats.js';
import { queryObject } from '../../http/body.js';
import { json, NO_STORE, type ResponseDescriptor } from '../../http/types.js';
import { authorizeV2, authorizeV3 } from '../../oauth/authorize.js';
import { hostedCallback } from '../../oauth/callback.js';
import { hostedServices } from '../../oauth/services.js';
import { exchangeV2, exchangeV3 } from '../../oauth/token.js';
import type { Route } from '../route.js';
import { corsHeaders, preflightHeaders } from './cors.js';

/** GET /oauth/authorize: v2 hosted sign-in (§1.2). */
export const oauthAuthorize: Route = {
  method: 'GET',
  path: '/oauth/authorize',
  family: 'v2',
  readsBody: false,
  handler: ({ kit, req }) => authorizeV2(hostedServices(kit), req),
};

async function v2Token(kit: Parameters<Route['handler']>[0]['kit'], input: unknown): Promise<ResponseDescriptor> {
  return json(200, await exchangeV2(hostedServices(kit), input), { ...NO_STORE });
}

/** GET /oauth/token with the query (the v6 SDK), and POST with a form or JSON (Python, Ruby, Java). */
export const oauthTokenGet: Route = {
  method: 'GET',
  path: '/oauth/token',
  family: 'v2',
  readsBody: false,
  handler: ({ kit, req }) => v2Token(kit, queryObject(req.query)),
};

export const oauthTokenPost: Route = {
  method: 'POST',
  path: '/oauth/token',
  family: 'v2',
  readsBody: true,
  handler: ({ kit, req }) => v2Token(kit, req.body),
};

/** GET /oauth/callback/:provider: where Google, Microsoft or the oauth2 provider send the user back. */
export const oauthCallback: Route = {
  method: 'GET',
  path: '/oauth/callback/:provider',
  family: 'v2',
  readsBody: false,
  handler: ({ kit, req, params }) => hostedCallback(hostedServices(kit), params['provider'] ?? '', req),
};

/** GET /v3/connect/auth: v3 hosted sign-in (§3.2). */
export const connectAuth: Route = {
  method: 'GET',
  path: '/v3/connect/auth',
  family: 'v3',
  readsBody: false,
  handler: ({ kit, req }) => authorizeV3(hostedServices(kit), req),
};

/** POST /v3/connect/token (§3.3): flat JSON, OAuth-style errors, never cached, CORS for configured origins. */
export const connectToken: Route = {
  method: 'POST',
  path: '/v3/connect/token',
  family: 'oauth',
  readsBody: true,
  async handler({ kit, req }) {
    const hosted = hostedServices(kit);
    const cors = corsHeaders(hosted.hosted.corsOrigins, req.headers.origin);
    try {
      return json(200, await kit.limits.secret(req.ip, () => exchangeV3(hosted, req.body, req.headers.authorization)), { ...NO_STORE, ...cors });
    } catch (e) {
      if (!(e instanceof GrantkitError)) throw e;
      // A client that tried HTTP Basic and failed gets 401 with a Basic challenge (RFC 6749 section 5.2).
      const d = renderError(withClientChallenge(e, isBasicScheme(req.headers.authorization), kit.realm), 'oauth');
      return { ...d, headers: { ...d.headers, ...NO_STORE, ...cors } };
    }
  },
};

export const connectTokenPreflight: Route = {
  method: 'OPTIONS',
  path: '/v3/connect/token',
  family: 'oauth',
  readsBody: false,
  async handler({ kit, req }) {
    return { status: 204, headers: preflightHeaders(hostedServices(kit).hosted.corsOrigins, req.headers.origin) };
  },
};

/** GET /.well-known/jwks.json: the public key that signs id_tokens. */
export const jwks: Route = {
  method: 'GET',
  path: '/.well-known/jwks.json',
  family: 'oauth',
  readsBody: false,
  async handler({ kit }) {
    return json(200, await hostedServices(kit).hosted.signer.jwks(), { 'cache-control': 'public, max-age=300' });
  },
};
