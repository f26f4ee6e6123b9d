import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TransportLike } from '../http/transport.js';

/**
 * A request as an adapter hands it to a guard, `gate()` or `resolve()`: what the framework knows,
 * and nothing decided yet.
 */
export interface GuardInput {
  readonly method: string;
  /** The path relative to where the middleware is mounted (Express `req.path`, Koa `ctx.path`). */
  readonly path: string;
  /** The whole request target, mount prefix and query included (`req.originalUrl`, `ctx.originalUrl`). */
  readonly originalUrl: string;
  readonly headers: IncomingHttpHeaders;
  /** Node's `rawHeaders`: only there does a second Authorization header show. */
  readonly rawHeaders?: readonly string[];
  /** The route's decoded parameters when the framework has matched a route by now. */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** What the host app's body parser produced, if one ran. */
  readonly body?: unknown;
  /** The connection, with the framework's HTTPS verdict (Express `req`, Koa `ctx`). */
  readonly transport?: TransportLike;
  /** The client address, when the caller has it at hand; otherwise `transport.ip` is read, and only when a decision needs it. */
  readonly ip?: string | undefined;
}

/** A request as an adapter hands it to a route: the body either parsed by the host app or left in the stream. */
export interface RouteInput {
  readonly method: string;
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly secure: boolean;
  /**
   * The client's IP as the framework sees it (Express `req.ip`, Koa `ctx.ip`), so the app's own
   * proxy settings decide whether X-Forwarded-For counts. Default: the socket's address.
   */
  readonly ip?: string | undefined;
  /** What the host's body parser produced, or undefined when nobody read the body. */
  readonly body: unknown;
  /** Node's request: the body when nobody read it, the raw headers and the socket. */
  readonly stream: IncomingMessage;
}
