import { randomUUID } from 'node:crypto';
import { isV3Path } from '../http/path-shape.js';
import type { ResponseDescriptor } from '../http/types.js';
import { GrantKitError, isGrantKitError, type GrantKitErrorCode } from './error.js';

/**
 * A route family decides the body of an error:
 * - v2: `{message, type}` (/connect/*, /oauth/*, /a/*, /account, guards on the app's routes);
 * - v3: `{request_id, error: {type, message}}` plus `x-request-id` (the SDK reads the id from the header);
 * - oauth: `{error, error_description, error_uri, error_code}` (/v3/connect/token, revoke, tokeninfo).
 */
export type ErrorFamily = 'v2' | 'v3' | 'oauth';

const V3_TYPE: Readonly<Record<GrantKitErrorCode, string>> = {
  missing_credentials: 'api.authentication_error',
  invalid_token: 'api.authentication_error',
  insufficient_scope: 'insufficient_scopes',
  invalid_request: 'invalid_request_error',
  invalid_client: 'api.authentication_error',
  invalid_grant: 'invalid_request_error',
  unsupported_grant_type: 'invalid_request_error',
  unsupported_response_type: 'invalid_request_error',
  unsupported_token_type: 'invalid_request_error',
  provider_auth_failed: 'api.authentication_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  grant_not_found: 'grant.not_found',
  grant_access_denied: 'grant.access_denied',
  conflict: 'conflict',
  unknown_token: 'invalid_request_error',
  payload_too_large: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  provider_error: 'api.provider_error',
  store_unavailable: 'api.internal_error',
  internal: 'api.internal_error',
};

const OAUTH_ERROR: Readonly<Record<GrantKitErrorCode, string>> = {
  missing_credentials: 'invalid_client',
  invalid_token: 'invalid_token',
  insufficient_scope: 'insufficient_scope',
  invalid_request: 'invalid_request',
  invalid_client: 'invalid_client',
  invalid_grant: 'invalid_grant',
  unsupported_grant_type: 'unsupported_grant_type',
  unsupported_response_type: 'unsupported_response_type',
  unsupported_token_type: 'unsupported_token_type',
  provider_auth_failed: 'access_denied',
  not_found: 'invalid_request',
  method_not_allowed: 'invalid_request',
  grant_not_found: 'invalid_grant',
  grant_access_denied: 'access_denied',
  conflict: 'invalid_request',
  unknown_token: 'invalid_token',
  payload_too_large: 'invalid_request',
  rate_limited: 'temporarily_unavailable',
  provider_error: 'temporarily_unavailable',
  store_unavailable: 'temporarily_unavailable',
  internal: 'server_error',
};

function v2Type(status: number): string {
  // The sync-engine lineage: client mistakes are invalid_request_error, the rest api_error.
  return status === 400 || status === 404 || status === 405 || status === 413 ? 'invalid_request_error' : 'api_error';
}

function errorBody(err: GrantKitError, family: ErrorFamily, requestId: string): unknown {
  switch (family) {
    case 'v2':
      return { message: err.message, type: v2Type(err.status) };
    case 'v3':
      return { request_id: requestId, error: { type: err.v3Type ?? V3_TYPE[err.code], message: err.message } };
    case 'oauth':
      return {
        error: OAUTH_ERROR[err.code],
        error_description: err.message,
        error_uri: `https://developer.nylas.com/docs/api/errors/${err.status}-response/`,
        error_code: err.status,
      };
  }
}

/** Renders an error as a response descriptor in the family's format. */
export function renderError(err: GrantKitError, family: ErrorFamily): ResponseDescriptor {
  const headers: Record<string, string> = { ...err.headers };
  if (family !== 'v2') {
    // The v2 SDK reads these on a 429; v3 and OAuth clients read Retry-After.
    delete headers['x-ratelimit-limit'];
    delete headers['x-ratelimit-reset'];
  }
  let requestId = '';
  if (family === 'v3' || family === 'oauth') {
    // The v8 SDK reads an error's requestId from this header, for NylasOAuthError as for NylasApiError.
    requestId = randomUUID();
    headers['x-request-id'] = requestId;
  }
  return { status: err.status, headers, body: errorBody(err, family, requestId) };
}

/**
 * The family of an app route that a guard protects: v3 paths use the v3 envelope, under any
 * mount prefix (the full request target is passed).
 */
export function familyOfPath(path: string): ErrorFamily {
  return isV3Path(path) ? 'v3' : 'v2';
}

/**
 * An error a guard, `gate()` or `resolve()` found, in the format of the app route it protects
 * (`url` is the full request target, mount prefix included).
 */
export function renderGuardError(err: GrantKitError, url: string): ResponseDescriptor {
  return renderError(err, familyOfPath(url));
}

/**
 * The same error for an app that handles errors itself (the adapters' `throwErrors`): the rendered
 * body and headers go onto the error, where Express's and Koa's error handlers read them.
 */
export function withRenderedBody(err: GrantKitError, url: string): GrantKitError {
  const d = renderGuardError(err, url);
  err.body = d.body;
  err.headers = d.headers;
  return err;
}

/**
 * Any value a route threw, as a descriptor: a GrantKitError as it is; anything else is reported
 * (`report`, the kit's onError) and answered as a bare 500 that says nothing of its cause.
 */
export function renderThrown(e: unknown, family: ErrorFamily, report: (e: unknown) => void): ResponseDescriptor {
  if (isGrantKitError(e)) return renderError(e, family);
  report(e);
  return renderError(new GrantKitError('internal', 'Internal error.'), family);
}
