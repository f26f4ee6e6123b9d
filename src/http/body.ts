import type { IncomingMessage } from 'node:http';
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
    if (size > limit) throw tooLarge();
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

/** A request's body as one of grantkit's own routes receives it. */
export interface BodySource {
  /** What the host app's body parser left on the request; undefined when none ran. */
  readonly body: unknown;
  /** Node's request: the body itself when nobody read it, and the headers. */
  readonly stream: IncomingMessage;
}

/**
 * The body as a plain object, read alike whichever body parser the host app mounted before
 * grantkit, so that each answer is the one grantkit gives without a parser wherever the parser
 * kept the body whole:
 * - nothing parsed, or an empty object on a body nobody read (body-parser 1.x, under Express 4, and
 *   the Koa parsers leave one on a type they do not parse): grantkit reads the stream itself. An
 *   empty object on a body a parser did read is what that body held: none of those parsers reads
 *   a body it then drops, JSON sent to a form parser included (it leaves that one unread);
 * - text or bytes (express.text, express.raw, a Koa parser with text enabled): read as the stream;
 * - an object, on a request sent as a form: a form parser's, held to grantkit's form rules;
 * - any other object: a JSON parser's, taken as it is.
 * A body the client declared larger than grantkit's limit is refused whatever the parser's limit.
 */
export async function requestBody(source: BodySource): Promise<Record<string, unknown>> {
  const { body, stream } = source;
  if (body === undefined || (isEmptyObject(body) && unread(stream))) return parseBody(await readBody(stream));
  // The parser's own limit may be higher; the body is refused as grantkit would refuse the bytes.
  if (declaredLength(stream) > BODY_LIMIT_BYTES) throw tooLarge();
  if (isPlainObject(body) && isForm(stream)) return formParameters(body);
  return parseBody(body);
}

/**
 * Turns whatever arrived into a plain object, whatever the Content-Type said: the v6 SDK sends JSON
 * as text/plain, and the v2 docs' curl examples send it as a form. A body that looks like JSON is
 * JSON; anything else is read as application/x-www-form-urlencoded. A JSON parser's object
 * (express.json, koa-bodyparser) is taken as it is.
 */
function parseBody(input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (Buffer.isBuffer(input) || typeof input === 'string') {
    if (Buffer.byteLength(input) > BODY_LIMIT_BYTES) throw tooLarge();
    return parseText(input.toString());
  }
  if (isPlainObject(input)) return input;
  throw new GrantKitError('invalid_request', 'Request body must be a JSON object.');
}

function parseText(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (looksLikeJson(trimmed)) {
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

/** What grantkit reads as JSON: a text that opens an object, an array or a string. */
function looksLikeJson(text: string): boolean {
  return /^\s*["[{]/.test(text);
}

/**
 * What a form parser (express.urlencoded, koa-bodyparser, @koa/bodyparser) made of a form body,
 * held to the rules grantkit applies to a form it reads itself. A JSON text sent with a form
 * Content-Type became parameter names: one name, with what followed a first `=` as its value, is
 * that text, decoded as a form (a `+` in it is a space by now); JSON the parser split at `&` or
 * nested at `[`, `]` or `.` cannot be put back together.
 */
function formParameters(parsed: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(parsed);
  if (names.some(looksLikeJson)) {
    const [name] = names;
    const value = name === undefined ? undefined : parsed[name];
    if (name === undefined || names.length > 1 || typeof value !== 'string') throw notWhole();
    return parseText(value === '' ? name : `${name}=${value}`);
  }
  // No prototype, as for a form grantkit reads itself.
  const out: Record<string, unknown> = Object.create(null);
  for (const name of names) out[name] = singleValue(name, parsed[name]);
  return out;
}

/** A parameter's value: a parser's array is a repeated parameter, and its objects (extended mode) nested ones. */
function singleValue(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 1) throw repeated(name);
  throw new GrantKitError('invalid_request', `Parameter "${name}" is nested; a form carries flat parameters, so send nested values as JSON.`);
}

function notWhole(): GrantKitError {
  return new GrantKitError(
    'invalid_request',
    "Request body is JSON sent with a form Content-Type, and the app's form parser could not keep it whole; send it as application/json.",
  );
}

/** A form body. A repeated parameter is ambiguous and refused (RFC 6749 section 3.1). */
function parseForm(text: string): Record<string, unknown> {
  // No prototype, so a parameter named `__proto__` is a parameter like any other.
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of new URLSearchParams(text)) {
    if (Object.hasOwn(out, k)) throw repeated(k);
    out[k] = v;
  }
  return out;
}

/** The query as an object, with the same rule on repeats. */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of query) {
    if (Object.hasOwn(out, k)) throw repeated(k);
    out[k] = v;
  }
  return out;
}

function repeated(name: string): GrantKitError {
  return new GrantKitError('invalid_request', `Parameter "${name}" is repeated.`);
}

function tooLarge(): GrantKitError {
  return new GrantKitError('payload_too_large', 'Request body is too large.');
}

/** Whether nobody has read the request's body: no parser took it, so it is still in the stream. */
function unread(stream: IncomingMessage): boolean {
  return !stream.readableDidRead && !stream.readableEnded;
}

/** The Content-Length the client declared; 0 when absent or not a number. */
function declaredLength(stream: IncomingMessage): number {
  const value = stream.headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
}

function isForm(stream: IncomingMessage): boolean {
  const type = stream.headers['content-type'] ?? '';
  return type.split(';', 1)[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function isEmptyObject(v: unknown): boolean {
  return isPlainObject(v) && Object.keys(v).length === 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
