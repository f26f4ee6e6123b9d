import type { Readable } from 'node:stream';
import { GrantKitError } from '../errors/error.js';

/** Auth bodies are small; anything larger is refused before it is buffered whole. */
const BODY_LIMIT_BYTES = 100 * 1024;

/** Reads a request stream into a buffer, refusing more than `limit` bytes. */
export async function readBody(stream: Readable, limit = BODY_LIMIT_BYTES): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = bytesOf(chunk);
    size += buf.length;
    if (size > limit) throw new GrantKitError('payload_too_large', 'Request body is too large.');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** A stream chunk as bytes: a Buffer (any Uint8Array) as it is, a string (a stream with an encoding set) as UTF-8. */
function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  // An object-mode stream: nothing a client can send, and no body to read.
  throw new GrantKitError('invalid_request', 'Request body is not a byte stream.');
}

/**
 * Turns whatever arrived into a plain object, whatever the Content-Type said: the v6 SDK sends JSON
 * as text/plain, and the v2 docs' curl examples send it as a form. A body that looks like JSON is
 * JSON; anything else is read as application/x-www-form-urlencoded. A body the host app already
 * parsed (express.json, koa-bodyparser) is taken as it is.
 */
export function parseBody(input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (Buffer.isBuffer(input)) return parseText(input.toString('utf8'));
  if (typeof input === 'string') return parseText(input);
  if (isPlainObject(input)) return input;
  throw new GrantKitError('invalid_request', 'Request body must be a JSON object.');
}

function parseText(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw new GrantKitError('invalid_request', 'Request body is not valid JSON.');
    }
    if (!isPlainObject(value)) throw new GrantKitError('invalid_request', 'Request body must be a JSON object.');
    return value;
  }
  return parseForm(trimmed);
}

/** A form body. A repeated parameter is ambiguous and refused (RFC 6749 section 3.1). */
function parseForm(text: string): Record<string, unknown> {
  // No prototype, so a parameter named `__proto__` is a parameter like any other.
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of new URLSearchParams(text)) {
    if (Object.hasOwn(out, k)) throw new GrantKitError('invalid_request', `Parameter "${k}" is repeated.`);
    out[k] = v;
  }
  return out;
}

/** The query as an object, with the same rule on repeats. */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of query) {
    if (Object.hasOwn(out, k)) throw new GrantKitError('invalid_request', `Parameter "${k}" is repeated.`);
    out[k] = v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
