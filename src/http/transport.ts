import type { IncomingHttpHeaders } from 'node:http';
import { GrantKitError } from '../errors/error.js';

/**
 * What the HTTPS rule needs to know about a request's connection. Express's `req` and Koa's `ctx`
 * fit as they are; a bare Node `IncomingMessage` fits too (then only the socket speaks).
 */
export interface TransportLike {
  readonly socket?: { readonly remoteAddress?: string | undefined; readonly encrypted?: boolean } | null;
  readonly headers: IncomingHttpHeaders;
  /**
   * The framework's own verdict: Express `req.secure` (it honours the app's `trust proxy`), Koa
   * `ctx.secure` (it honours `app.proxy`).
   */
  readonly secure?: boolean;
  /** The framework's client address: Express `req.ip` (after `trust proxy`), Koa `ctx.ip` (after `app.proxy`). */
  readonly ip?: string | undefined;
}

export interface HttpsPolicy {
  readonly required: boolean;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms: a developer's own machine. */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || a.startsWith('127.');
}

/** Headers only a proxy adds: a request carrying one did not come straight from this machine. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-proto', 'x-forwarded-for', 'x-forwarded-host'] as const;

/**
 * The v3 API refuses connections over plain HTTP; in production grantkit's v3 routes do too.
 *
 * Whether a request is HTTPS is the framework's call, never grantkit's own reading of
 * `X-Forwarded-Proto`: Express decides it from `trust proxy`, Koa from `app.proxy`, and a second
 * parser would disagree with them exactly where it matters (a spoofed header, a proxy chain).
 * TLS on the socket counts too. A loopback client is exempt (a developer's own machine), but only
 * on a direct connection: behind a local proxy every request comes from loopback, so a request
 * carrying forwarding headers is judged by the framework's verdict alone.
 * With no transport at all (an adapter that passes none) the rule fails closed unless `secureHint`.
 */
export function httpsViolation(policy: HttpsPolicy, transport: TransportLike | undefined, secureHint = false): GrantKitError | undefined {
  if (!policy.required || secureHint) return undefined;
  if (transport === undefined) return httpsRequired();
  if (transport.secure === true) return undefined;
  const socket = transport.socket;
  if (socket?.encrypted === true) return undefined;
  if (isLoopback(socket?.remoteAddress) && !FORWARDING_HEADERS.some((h) => transport.headers[h] !== undefined)) return undefined;
  return httpsRequired();
}

function httpsRequired(): GrantKitError {
  return new GrantKitError('invalid_request', 'HTTPS is required: the v3 API refuses plain HTTP.');
}

let trustProxyWarned = false;

/**
 * The `trustProxy` option once made grantkit read `X-Forwarded-Proto` itself. It is ignored now
 * (the framework decides, see httpsViolation); setting it warns once per process with what to
 * set instead.
 */
export function warnTrustProxyDeprecated(): void {
  if (trustProxyWarned) return;
  trustProxyWarned = true;
  process.emitWarning(
    'grantkit: the "trustProxy" option is deprecated and has no effect; HTTPS is read from the framework. ' +
      "Behind a proxy you run, set Express `app.set('trust proxy', …)` or Koa `app.proxy = true` instead.",
    { type: 'DeprecationWarning', code: 'GRANTKIT_TRUST_PROXY' },
  );
}
