import type { IncomingHttpHeaders } from 'node:http';

/** A framework request reduced to what the core reads. Adapters build it; nothing here is Express or Koa. */
export interface RequestLike {
  readonly method: string;
  /** The path without the query string, as received (percent-encoding intact). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The parsed body (see body.ts); an empty object when none was sent. */
  readonly body: Record<string, unknown>;
  /** True when the request arrived over TLS (as the adapter's framework judges it). */
  readonly secure: boolean;
  /** The client's IP as the framework reports it; the key of the per-IP rate limits. */
  readonly ip?: string | undefined;
}

/** What the core answers with. `body` undefined means an empty body (v2 /oauth/revoke wants one). */
export interface ResponseDescriptor {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  /**
   * A non-JSON body (hosted OAuth's HTML pages), sent as is with its content type. Wins over
   * `body`. A redirect needs neither: a 302 with a `location` header and no body.
   */
  text?: { readonly contentType: string; readonly content: string };
}

/** Responses that carry a token or a code must not be cached (RFC 6749 section 5.1). */
export const NO_STORE: Readonly<Record<string, string>> = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ResponseDescriptor {
  return { status, headers, body };
}
