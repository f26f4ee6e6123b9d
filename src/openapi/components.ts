import type { ErrorFamily } from '../errors/formats.js';
import type { JsonSchema, OpenApiDocument, Response } from './types.js';

/**
 * What every document shares: how callers authenticate, and the three error formats grantkit
 * answers in (errors/formats.ts), with the HTML page its sign-in pages show instead.
 */

export const SECURITY_SCHEMES: OpenApiDocument['components']['securitySchemes'] = {
  bearerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'grantkit access token',
    description:
      'An access token from /connect/token, /oauth/token or /v3/connect/token, in one Authorization header. ' +
      "On a guarded route each alternative lists scopes the token must hold; a scope's wider scopes satisfy it too " +
      '(email satisfies email.read_only).',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'API key',
    description: "The application's API key, as `Authorization: Bearer <key>`. On a route that names a grant, any grant of the key's client.",
  },
  clientSecretBasic: {
    type: 'http',
    scheme: 'basic',
    description:
      'The client id and secret as HTTP Basic (client_secret_basic), or the secret alone as the user name (`secret:`) where the ' +
      'path names the client. Where `x-grantkit-client-authentication` lists client_secret_post, `client_id` and ' +
      '`client_secret` may come in the request body instead.',
  },
};

const string: JsonSchema = { type: 'string' };

const ERROR_SCHEMAS: Readonly<Record<ErrorFamily, JsonSchema>> = {
  v2: {
    type: 'object',
    description: 'The v2 error format: /connect/*, /oauth/*, /a/*, /account, and guards on v2 paths.',
    required: ['message', 'type'],
    properties: { message: string, type: { type: 'string', enum: ['api_error', 'invalid_request_error'] } },
  },
  v3: {
    type: 'object',
    description: 'The v3 envelope: /v3/ application routes and guards on /v3/ paths. The same id is in `x-request-id`.',
    required: ['request_id', 'error'],
    properties: {
      request_id: string,
      error: { type: 'object', required: ['type', 'message'], properties: { type: string, message: string } },
    },
  },
  oauth: {
    type: 'object',
    description: 'OAuth 2.0 errors (RFC 6749 section 5.2): /v3/connect/token, revoke, tokeninfo and the sign-in forms.',
    required: ['error', 'error_description'],
    properties: { error: string, error_description: string, error_uri: string, error_code: { type: 'integer' } },
  },
};

/** The component names of the error formats. */
export const ERROR_NAMES: Readonly<Record<ErrorFamily, string>> = { v2: 'V2Error', v3: 'V3Error', oauth: 'OAuthError' };

const requestId = { 'x-request-id': { description: 'The request id, as in the body.', schema: string } };

function errorResponse(family: ErrorFamily): Response {
  return {
    description: `An error, in the ${family} format.`,
    ...(family === 'v2' ? {} : { headers: requestId }),
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_NAMES[family]}` } } },
  };
}

export const HTML_ERROR = 'HtmlError';

export const COMPONENTS: OpenApiDocument['components'] = {
  securitySchemes: SECURITY_SCHEMES,
  schemas: { V2Error: ERROR_SCHEMAS.v2, V3Error: ERROR_SCHEMAS.v3, OAuthError: ERROR_SCHEMAS.oauth },
  responses: {
    V2Error: errorResponse('v2'),
    V3Error: errorResponse('v3'),
    OAuthError: errorResponse('oauth'),
    [HTML_ERROR]: { description: 'An error page for the person signing in.', content: { 'text/html': { schema: string } } },
  },
};

