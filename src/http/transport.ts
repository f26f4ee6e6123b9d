import type { IncomingHttpHeaders } from 'node:http';
import { GrantkitError } from '../errors/error.js';

/**
 * What the HTTPS rule needs to know about a request's connection. A Node `IncomingMessage`
 * (Express's `req`, Koa's `ctx.req`) fits as it is.
 */
export interface TransportLike {
  readonly socket?: { readonly remoteAddress?: string | undefined; readonly encrypted?: boolean } | null;
  readonly headers: IncomingHttpHeaders;
  /** The framework's own verdict where it has one (Express `req.secure`, which honours its `trust proxy`). */
  readonly secure?: boolean;
}

export interface HttpsPolicy {
  readonly required: boolean;
  /** Believe `X-Forwarded-Proto` (first value): only behind a proxy the app controls. */
  readonly trustProxy: boolean;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms: a developer's own machine. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || a.startsWith('127.');
}

/**
 * Seed 002: "Nylas no longer allows connections over HTTP ... HTTPS only." In production v3 routes
 * refuse plain HTTP. The protocol comes from the socket, or from `X-Forwarded-Proto` only when the
 * app trusts its proxy (then the proxy's word wins, even from loopback: a local proxy would
 * otherwise make every request look exempt). Loopback without a trusted header is exempt.
 * With no transport at all (an adapter that passes none) the rule fails closed unless `secureHint`.
 */
export function httpsViolation(policy: HttpsPolicy, transport: TransportLike | undefined, secureHint = false): GrantkitError | undefined {
  if (!policy.required || secureHint) return undefined;
  if (transport === undefined) return httpsRequired();
  if (transport.secure === true) return undefined;
  if (policy.trustProxy) {
    const raw = transport.headers['x-forwarded-proto'];
    const first = (Array.isArray(raw) ? raw[0] : raw)?.split(',')[0]?.trim().toLowerCase();
    if (first !== undefined && first !== '') return first === 'https' ? undefined : httpsRequired();
  }
  const socket = transport.socket;
  if (socket?.encrypted === true) return undefined;
  if (isLoopback(socket?.remoteAddress)) return undefined;
  return httpsRequired();
}

function httpsRequired(): GrantkitError {
  return new GrantkitError('invalid_request', 'HTTPS is required: the v3 API refuses plain HTTP.');
}
