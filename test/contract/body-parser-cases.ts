import assert from 'node:assert/strict';
import { API_KEY } from './v3-cases.js';
import { CLIENT_ID, CLIENT_SECRET, type Req, type Send } from './harness.js';

/**
 * What a body parser mounted before grantkit leaves of a JSON text sent with a form Content-Type
 * (curl's `-d` without `-H`), the one body no parser can hand on whole:
 * - `raw`: grantkit reads the bytes, or the parser kept them as they came (no parser,
 *   `express.json()`, which leaves other types alone, `express.text()` and `express.raw()`, and
 *   koa-bodyparser and @koa/bodyparser, whose `ctx.request.rawBody` the Koa adapter hands on);
 * - `flat`: `express.urlencoded({ extended: false })` made one parameter of it, split at `&`;
 * - `brackets`: `express.urlencoded({ extended: true })`, which also nests at `[` and `]`;
 */
export type Reading = 'raw' | 'flat' | 'brackets';

/** The parser in front of grantkit, as far as it decides an answer. */
export interface Parser {
  readonly reading: Reading;
  /**
   * The largest application/json (text/plain) body the parser reads, in bytes: a larger one it
   * refuses itself, before grantkit sees it. Infinity when it leaves that type to grantkit.
   */
  readonly jsonLimit: number;
  readonly textLimit: number;
}

/**
 * One answer, exactly: status and JSON body (request_id taken out), or a check of the body. With
 * `byParser`, the parser answered in its framework's own format, and only the status is checked.
 */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly check?: (body: Record<string, unknown>) => void;
  readonly byParser?: true;
}

export interface ParserCase {
  readonly name: string;
  /** May run earlier requests first (a fresh code) on the same app. */
  readonly request: (send: Send) => Req | Promise<Req>;
  /**
   * The answer behind this parser. Where it is the very object the answer without a parser is
   * (`answer(NO_PARSER)`), the parser has kept the body whole, and the answer must also equal,
   * once masked, the one of the same framework without a parser.
   */
  readonly answer: (parser: Parser) => Answer;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const TEXT_TYPE = { 'content-type': 'text/plain' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

const v2Error = (message: string): Record<string, unknown> => ({ message, type: 'invalid_request_error' });
const v3Error = (message: string): Record<string, unknown> => ({ error: { type: 'invalid_request_error', message } });
const oauthError = (error: string, description: string, status: number): Record<string, unknown> => ({
  error,
  error_description: description,
  error_uri: `https://developer.nylas.com/docs/api/errors/${status}-response/`,
  error_code: status,
});

/** What grantkit answers when a form parser took a JSON text apart. */
const NOT_WHOLE = "Request body is JSON sent with a form Content-Type, and the app's form parser could not keep it whole; send it as application/json.";
const nested = (name: string): string => `Parameter "${name}" is nested; a form carries flat parameters, so send nested values as JSON.`;

const authorizeBody = (email: string, name = 'Parsers'): Record<string, unknown> => ({
  client_id: CLIENT_ID,
  name,
  email_address: email,
  provider: 'sandbox',
  settings: { password: 'sandbox' },
  scopes: 'email.read_only',
});

/** A code from a JSON authorization, which every parser reads. */
async function freshCode(send: Send, email: string): Promise<string> {
  const r = await send({ method: 'POST', path: '/connect/authorize', body: authorizeBody(email) });
  assert.equal(r.status, 200, r.text);
  return (JSON.parse(r.text) as { code: string }).code;
}

const A_CODE: Answer = { status: 200, check: (b) => assert.match(String(b['code']), /^gk_code_/) };
const accountOf = (email: string): Answer => ({
  status: 200,
  check: (b) => {
    assert.equal(b['email_address'], email);
    assert.match(String(b['access_token']), /^gk_at_/);
  },
});
/** grantkit's own limit, which no parser's default is below: body-parser's '100kb' is the same. */
const BODY_LIMIT = 100 * 1024;
export const NO_PARSER: Parser = { reading: 'raw', jsonLimit: Infinity, textLimit: Infinity };
const TOO_LARGE: Answer = { status: 413, body: v2Error('Request body is too large.') };
const BY_PARSER_413: Answer = { status: 413, byParser: true };

const always = (a: Answer) => (): Answer => a;
/** The parser kept the body unless it reads this way. */
const unlessNested = (whole: Answer, broken: Answer, nests: readonly Reading[]) => (p: Parser): Answer => (nests.includes(p.reading) ? broken : whole);

const authorize = (headers: Record<string, string>, body: Record<string, unknown>): Req => ({
  method: 'POST',
  path: '/connect/authorize',
  headers,
  body: JSON.stringify(body),
});
const tokenForm = (fields: readonly (readonly [string, string])[]): Req => ({
  method: 'POST',
  path: '/connect/token',
  headers: FORM_TYPE,
  body: new URLSearchParams(fields.map(([k, v]) => [k, v])).toString(),
});

/** The v2 native flow: POST /connect/authorize and POST /connect/token, with each kind of body. */
export const NATIVE_CASES: readonly ParserCase[] = [
  {
    name: 'POST /connect/authorize with JSON as application/json',
    request: () => authorize(JSON_TYPE, authorizeBody('json@example.com')),
    answer: always(A_CODE),
  },
  {
    name: 'POST /connect/authorize with JSON as text/plain (the v6 SDK)',
    request: () => authorize(TEXT_TYPE, authorizeBody('text@example.com')),
    answer: always(A_CODE),
  },
  {
    name: "POST /connect/authorize with JSON as a form (the README's curl)",
    request: () => authorize(FORM_TYPE, authorizeBody('form@example.com')),
    answer: always(A_CODE),
  },
  {
    // A parser nests at `.` and `[` only in a name: what follows the first `=` is a value, whole.
    name: 'POST /connect/authorize with JSON holding "=" before any "." as a form',
    request: () => authorize(FORM_TYPE, authorizeBody('equals@example.com', 'a=b')),
    answer: always(A_CODE),
  },
  {
    name: 'POST /connect/authorize with JSON holding "&" as a form',
    request: () => authorize(FORM_TYPE, authorizeBody('ampersand@example.com', 'Ada & Co')),
    answer: unlessNested(A_CODE, { status: 400, body: v2Error(NOT_WHOLE) }, ['flat', 'brackets']),
  },
  {
    name: 'POST /connect/authorize with bad JSON as text/plain is a 400',
    request: () => ({ method: 'POST', path: '/connect/authorize', headers: TEXT_TYPE, body: '{"client_id": ' }),
    answer: always({ status: 400, body: v2Error('Request body is not valid JSON.') }),
  },
  {
    name: 'POST /connect/authorize with a JSON array is a 400',
    request: () => ({ method: 'POST', path: '/connect/authorize', headers: JSON_TYPE, body: '[]' }),
    answer: always({ status: 400, body: v2Error('Request body must be a JSON object.') }),
  },
  {
    name: 'POST /connect/authorize with JSON over the limit is a 413',
    request: () => authorize(JSON_TYPE, { ...authorizeBody('large@example.com'), pad: 'x'.repeat(BODY_LIMIT) }),
    // Over grantkit's limit and over body-parser's, which is the same; under the Koa parsers' 1mb.
    answer: (p) => (p.jsonLimit <= BODY_LIMIT ? BY_PARSER_413 : TOO_LARGE),
  },
  {
    name: 'POST /connect/authorize with JSON over the limit as text/plain is a 413',
    request: () => authorize(TEXT_TYPE, { ...authorizeBody('large-text@example.com'), pad: 'x'.repeat(BODY_LIMIT) }),
    answer: (p) => (p.textLimit <= BODY_LIMIT ? BY_PARSER_413 : TOO_LARGE),
  },
  {
    name: 'POST /connect/authorize with an empty body is a 400 naming client_id',
    request: () => ({ method: 'POST', path: '/connect/authorize', headers: JSON_TYPE }),
    answer: always({ status: 400, body: v2Error('"client_id" is required.') }),
  },
  {
    name: 'POST /connect/token with a form',
    request: async (send) => tokenForm([['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET], ['code', await freshCode(send, 'token-form@example.com')]]),
    answer: always(accountOf('token-form@example.com')),
  },
  {
    name: 'POST /connect/token with JSON as application/json',
    request: async (send) => ({
      method: 'POST',
      path: '/connect/token',
      headers: JSON_TYPE,
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: await freshCode(send, 'token-json@example.com') }),
    }),
    answer: always(accountOf('token-json@example.com')),
  },
  {
    name: 'POST /connect/token with JSON as text/plain and the secret as Basic',
    request: async (send) => ({
      method: 'POST',
      path: '/connect/token',
      headers: { ...TEXT_TYPE, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
      body: JSON.stringify({ client_id: CLIENT_ID, code: await freshCode(send, 'token-text@example.com') }),
    }),
    answer: always(accountOf('token-text@example.com')),
  },
  {
    name: 'POST /connect/token with JSON as a form',
    request: async (send) => ({
      method: 'POST',
      path: '/connect/token',
      headers: FORM_TYPE,
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: await freshCode(send, 'token-json-form@example.com') }),
    }),
    answer: always(accountOf('token-json-form@example.com')),
  },
  {
    name: 'POST /connect/token with a repeated form parameter is a 400',
    request: () => tokenForm([['client_id', CLIENT_ID], ['client_id', 'other'], ['client_secret', CLIENT_SECRET], ['code', 'gk_code_x']]),
    answer: always({ status: 400, body: v2Error('Parameter "client_id" is repeated.') }),
  },
  {
    name: 'POST /connect/token with a bracketed form parameter is a 400',
    request: () => tokenForm([['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET], ['code[x]', 'gk_code_x']]),
    answer: unlessNested({ status: 400, body: v2Error('"code" is required.') }, { status: 400, body: v2Error(nested('code')) }, ['brackets']),
  },
];

const customBody = (email: string): Record<string, unknown> => ({ provider: 'sandbox', settings: { email, password: 'sandbox' }, scope: ['email.read_only'] });
const A_GRANT: Answer = { status: 201, check: (b) => assert.equal((b['data'] as Record<string, unknown>)['grant_status'], 'valid') };
const custom = (headers: Record<string, string>, email: string): Req => ({
  method: 'POST',
  path: '/v3/connect/custom',
  headers: { ...headers, authorization: `Bearer ${API_KEY}` },
  body: JSON.stringify(customBody(email)),
});
const refresh = [['grant_type', 'refresh_token'], ['refresh_token', 'no-such-refresh-token'], ['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET]] as const;
const UNKNOWN_REFRESH: Answer = { status: 400, body: oauthError('invalid_grant', 'The refresh token is invalid or has expired.', 400) };

/** v3 routes that read a body: custom authentication (the v3 envelope) and the token endpoint (OAuth errors). */
export const V3_CASES: readonly ParserCase[] = [
  {
    name: 'POST /v3/connect/custom with JSON as application/json',
    request: () => custom(JSON_TYPE, 'custom-json@example.com'),
    answer: always(A_GRANT),
  },
  {
    name: 'POST /v3/connect/custom with JSON as text/plain',
    request: () => custom(TEXT_TYPE, 'custom-text@example.com'),
    answer: always(A_GRANT),
  },
  {
    name: 'POST /v3/connect/custom with JSON holding "[" as a form',
    request: () => custom(FORM_TYPE, 'custom-form@example.com'),
    answer: unlessNested(A_GRANT, { status: 400, body: v3Error(NOT_WHOLE) }, ['brackets']),
  },
  {
    name: 'POST /v3/connect/token with a form',
    request: () => ({ method: 'POST', path: '/v3/connect/token', headers: FORM_TYPE, body: new URLSearchParams(refresh.map(([k, v]) => [k, v])).toString() }),
    answer: always(UNKNOWN_REFRESH),
  },
  {
    name: 'POST /v3/connect/token with JSON as application/json',
    request: () => ({ method: 'POST', path: '/v3/connect/token', headers: JSON_TYPE, body: JSON.stringify(Object.fromEntries(refresh)) }),
    answer: always(UNKNOWN_REFRESH),
  },
  {
    name: 'POST /v3/connect/token with a repeated form parameter is a 400',
    request: () => ({
      method: 'POST',
      path: '/v3/connect/token',
      headers: FORM_TYPE,
      body: new URLSearchParams([...refresh.map(([k, v]) => [k, v]), ['grant_type', 'authorization_code']]).toString(),
    }),
    answer: always({ status: 400, body: oauthError('invalid_request', 'Parameter "grant_type" is repeated.', 400) }),
  },
];

export const PARSER_CASES: readonly ParserCase[] = [...NATIVE_CASES, ...V3_CASES];
