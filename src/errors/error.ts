/**
 * Every request-time failure is one GrantKitError. It carries what all three wire formats need
 * (status, message, headers, and the code each format maps to a type), so a route family only
 * picks a formatter; see formats.ts.
 */
export type GrantKitErrorCode =
  | 'missing_credentials'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'provider_auth_failed'
  | 'not_found'
  | 'method_not_allowed'
  | 'grant_not_found'
  | 'grant_access_denied'
  | 'conflict'
  | 'unknown_token'
  | 'payload_too_large'
  | 'rate_limited'
  | 'provider_error'
  | 'store_unavailable'
  | 'internal';

const STATUS: Readonly<Record<GrantKitErrorCode, number>> = {
  missing_credentials: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  provider_auth_failed: 401,
  not_found: 404,
  method_not_allowed: 405,
  grant_not_found: 404,
  grant_access_denied: 403,
  conflict: 409,
  unknown_token: 400,
  payload_too_large: 413,
  rate_limited: 429,
  provider_error: 502,
  store_unavailable: 503,
  internal: 500,
};

export interface GrantKitErrorInit {
  headers?: Record<string, string>;
  cause?: unknown;
  /** Set by the v3 formatter when it needs a type other than the code's default. */
  v3Type?: string;
}

export class GrantKitError extends Error {
  override readonly name = 'GrantKitError';
  readonly code: GrantKitErrorCode;
  readonly status: number;
  /** Same as status: Express's finalhandler and Koa's onerror read either. */
  readonly statusCode: number;
  /** Response headers (WWW-Authenticate, Retry-After; x-request-id once rendered for v3). */
  headers: Record<string, string>;
  /** Client errors are safe to show; Koa's onerror reads this. */
  readonly expose: boolean;
  readonly v3Type: string | undefined;
  /** The rendered body, filled in when the error is handed to the app's own handler. */
  body: unknown;

  constructor(code: GrantKitErrorCode, message: string, init: GrantKitErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = STATUS[code];
    this.statusCode = this.status;
    this.headers = { ...init.headers };
    this.expose = this.status < 500;
    this.v3Type = init.v3Type;
    this.body = undefined;
  }
}

export function isGrantKitError(e: unknown): e is GrantKitError {
  // A name and code check rather than instanceof alone, so two copies of the package still agree,
  // an older copy (whose errors were named GrantkitError) included.
  return e instanceof GrantKitError || (e instanceof Error && (e.name === 'GrantKitError' || e.name === 'GrantkitError') && 'code' in e);
}
