import assert from 'node:assert/strict';
import { bearer, CLIENT_ID, CLIENT_SECRET, connect, NOW, type Fixture, type Req, type Send } from './harness.js';

/**
 * One request and the answer every mount must give. Add a case by appending an object: the
 * suite runs each on Express 4, Express 5, Koa 2, Koa 3 and Nest, in order, on one app per mount.
 */
export interface ContractCase {
  readonly name: string;
  /** May run earlier requests first (a fresh code, a token to revoke) on the same app. */
  readonly request: (fx: Fixture, send: Send) => Req | Promise<Req>;
  readonly status: number;
  /** The exact JSON body; `''` for an empty body. Omit it only when `check` is given. */
  readonly body?: unknown;
  readonly check?: (body: Record<string, unknown>, fx: Fixture) => void;
  /** Absent unless given. */
  readonly wwwAuthenticate?: string;
  /** Other headers that must have exactly this value. */
  readonly headers?: Readonly<Record<string, string>>;
}

const CREDENTIALS = { message: 'Could not verify access credentials.', type: 'api_error' };
const MISSING = 'Bearer realm="grantkit"';
const INVALID = 'Bearer realm="grantkit", error="invalid_token"';
const SEED_403 = 'You do not have access to the required scopes. You provided a token which has the following scopes: ';

/** The seed 001 403 body, written out here rather than imported, so the core cannot drift from it. */
function forbidden(granted: string, required: string, mode: 'any' | 'all'): Record<string, string> {
  const which = mode === 'any' ? 'at least one of' : 'all of';
  return { message: `${SEED_403}${granted}. You would need a token with ${which} the following scopes: ${required}`, type: 'api_error' };
}

const insufficient = (scope: string): string => `Bearer realm="grantkit", error="insufficient_scope", scope="${scope}"`;
const badRequest = (message: string): Record<string, string> => ({ message, type: 'invalid_request_error' });
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

const authorizeBody = (email: string, scopes?: string): Record<string, unknown> => ({
  client_id: CLIENT_ID,
  name: 'Contract',
  email_address: email,
  provider: 'sandbox',
  settings: { password: 'sandbox' },
  ...(scopes === undefined ? {} : { scopes }),
});

async function freshCode(send: Send, email: string): Promise<string> {
  const r = await send({ method: 'POST', path: '/connect/authorize', body: authorizeBody(email, 'email.read_only') });
  return (JSON.parse(r.text) as { code: string }).code;
}

const get = (path: string, headers?: Record<string, string>): Req => ({ method: 'GET', path, ...(headers ? { headers } : {}) });

/** Guards on the app's own routes: 401, 403 and the passes, per seed 001 and issue 2 §4. */
export const GUARD_CASES: readonly ContractCase[] = [
  { name: '401 without credentials', request: () => get('/guard/modify'), status: 401, body: CREDENTIALS, wwwAuthenticate: MISSING },
  { name: '401 for an empty Authorization header', request: () => get('/guard/modify', { authorization: '' }), status: 401, body: CREDENTIALS, wwwAuthenticate: MISSING },
  { name: '401 for an unknown token', request: () => get('/guard/modify', bearer('gk_at_unknown')), status: 401, body: CREDENTIALS, wwwAuthenticate: INVALID },
  { name: '401 for a malformed Authorization header', request: () => get('/guard/modify', { authorization: 'Bearer' }), status: 401, body: CREDENTIALS, wwwAuthenticate: INVALID },
  { name: '401 for an unknown scheme', request: () => get('/guard/modify', { authorization: 'Token abc' }), status: 401, body: CREDENTIALS, wwwAuthenticate: INVALID },
  { name: '401 for Basic with a password (v2 wants token:)', request: (fx) => get('/guard/modify', { authorization: basic(fx.tokens.full, 'x') }), status: 401, body: CREDENTIALS, wwwAuthenticate: INVALID },
  {
    name: '403 requireScopes: the seed text and challenge',
    request: (fx) => get('/guard/modify', bearer(fx.tokens.readSend)),
    status: 403,
    body: forbidden("['email.read_only', 'email.send']", "['email.modify']", 'any'),
    wwwAuthenticate: insufficient('email.modify'),
  },
  {
    name: '403 requireAllScopes: "all of" in the text',
    request: (fx) => get('/guard/read-and-send', bearer(fx.tokens.calendar)),
    status: 403,
    body: forbidden("['calendar.read_only']", "['email.read_only', 'email.send']", 'all'),
    wwwAuthenticate: insufficient('email.read_only email.send'),
  },
  {
    name: '403 requireScopes with two scopes lists both as declared',
    request: (fx) => get('/guard/read-or-calendar', bearer(fx.tokens.revokable)),
    status: 403,
    body: forbidden("['contacts']", "['email.read_only', 'calendar']", 'any'),
    wwwAuthenticate: insufficient('email.read_only calendar'),
  },
  {
    name: 'requireScopes passes through the hierarchy (email ⇒ email.modify)',
    request: (fx) => get('/guard/modify', bearer(fx.tokens.full)),
    status: 200,
    check: (b, fx) => assert.deepEqual(b, { route: 'GET /guard/modify', params: {}, grant_id: fx.accounts.full }),
  },
  {
    name: 'requireScopes passes on one of its scopes',
    request: (fx) => get('/guard/read-or-calendar', bearer(fx.tokens.readSend)),
    status: 200,
    check: (b, fx) => assert.equal(b['grant_id'], fx.accounts.readSend),
  },
  {
    name: 'requireAllScopes passes when every scope is satisfied',
    request: (fx) => get('/guard/read-and-send', bearer(fx.tokens.readSend)),
    status: 200,
    check: (b, fx) => assert.equal(b['grant_id'], fx.accounts.readSend),
  },
  {
    name: 'a token as a Basic username with an empty password passes',
    request: (fx) => get('/guard/modify', { authorization: basic(fx.tokens.full, '') }),
    status: 200,
    check: (b, fx) => assert.equal(b['grant_id'], fx.accounts.full),
  },
  {
    name: 'route parameters reach the handler after the guard',
    request: (fx) => ({ method: 'POST', path: '/guard/items/a%20b', headers: bearer(fx.tokens.readSend), body: '{}' }),
    status: 200,
    check: (b) => assert.deepEqual(b['params'], { item_id: 'a b' }),
  },
  {
    name: 'resolve() leaves the grant unset for a bad token and lets the route decide',
    request: () => get('/resolved/open', bearer('gk_at_unknown')),
    status: 200,
    body: { route: 'GET /resolved/open', params: {}, grant_id: null },
  },
  {
    name: 'resolve() sets the grant for a good token',
    request: (fx) => get('/resolved/open', bearer(fx.tokens.calendar)),
    status: 200,
    check: (b, fx) => assert.equal(b['grant_id'], fx.accounts.calendar),
  },
  {
    name: 'a guard after resolve() answers 401 for the token resolve() refused',
    request: () => get('/resolved/modify', bearer('gk_at_unknown')),
    status: 401,
    body: CREDENTIALS,
    wwwAuthenticate: INVALID,
  },
  {
    name: 'a guard after resolve() answers 403 from the grant resolve() found',
    request: (fx) => get('/resolved/modify', bearer(fx.tokens.readSend)),
    status: 403,
    body: forbidden("['email.read_only', 'email.send']", "['email.modify']", 'any'),
    wwwAuthenticate: insufficient('email.modify'),
  },
  {
    name: 'throwErrors: the app handler gets status, headers and body (401)',
    request: () => get('/throwing/modify'),
    status: 401,
    body: CREDENTIALS,
    wwwAuthenticate: MISSING,
  },
  {
    name: 'throwErrors: the app handler gets status, headers and body (403)',
    request: (fx) => get('/throwing/all', bearer(fx.tokens.calendar)),
    status: 403,
    body: forbidden("['calendar.read_only']", "['calendar', 'contacts']", 'all'),
    wwwAuthenticate: insufficient('calendar contacts'),
  },
];

/** gate(): the v2 endpoint table (nylas-api.md §2.3) over the demo routes. */
export const GATE_CASES: readonly ContractCase[] = [
  {
    name: 'gate: a calendar-only token gets 403 on /messages (seed 001)',
    request: (fx) => get('/messages', bearer(fx.tokens.calendar)),
    status: 403,
    body: forbidden("['calendar.read_only']", "['email.metadata', 'email.read_only', 'email.modify', 'email']", 'any'),
    wwwAuthenticate: insufficient('email.metadata email.read_only email.modify email'),
  },
  {
    name: 'gate: email.read_only reads /messages',
    request: (fx) => get('/messages', bearer(fx.tokens.readSend)),
    status: 200,
    check: (b, fx) => assert.deepEqual(b, { route: 'GET /messages', params: {}, grant_id: fx.accounts.readSend }),
  },
  {
    name: 'gate: email.read_only cannot PUT /messages/1',
    request: (fx) => ({ method: 'PUT', path: '/messages/1', headers: bearer(fx.tokens.readSend), body: {} }),
    status: 403,
    body: forbidden("['email.read_only', 'email.send']", "['email.modify', 'email']", 'any'),
    wwwAuthenticate: insufficient('email.modify email'),
  },
  {
    name: 'gate: email.send may POST /send',
    request: (fx) => ({ method: 'POST', path: '/send', headers: bearer(fx.tokens.readSend), body: {} }),
    status: 200,
    check: (b) => assert.equal(b['route'], 'POST /send'),
  },
  {
    name: 'gate: no token on a table route is a 401',
    request: () => get('/threads/7'),
    status: 401,
    body: CREDENTIALS,
    wwwAuthenticate: MISSING,
  },
  {
    name: 'gate: no scope admits a write on /resources',
    request: (fx) => ({ method: 'DELETE', path: '/resources/1', headers: bearer(fx.tokens.full) }),
    status: 403,
    body: forbidden("['email']", '[]', 'any'),
    wwwAuthenticate: insufficient(''),
  },
];

/** grantkit's own v2 routes (issue 2 §5): the native flow and its failures. */
export const V2_ROUTE_CASES: readonly ContractCase[] = [
  {
    name: 'POST /connect/authorize returns a code, not cached',
    request: () => ({ method: 'POST', path: '/connect/authorize', body: authorizeBody('new@example.com', 'email.read_only') }),
    status: 200,
    headers: { 'cache-control': 'no-store' },
    check: (b) => assert.match(String(b['code']), /^gk_code_/),
  },
  {
    name: 'POST /connect/authorize reads JSON sent as text/plain (v6 SDK)',
    request: () => ({
      method: 'POST',
      path: '/connect/authorize',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(authorizeBody('plain@example.com')),
    }),
    status: 200,
    check: (b) => assert.match(String(b['code']), /^gk_code_/),
  },
  {
    name: 'POST /connect/authorize without email_address is a 400 naming it',
    request: () => ({ method: 'POST', path: '/connect/authorize', body: { client_id: CLIENT_ID, provider: 'sandbox', settings: { password: 'sandbox' } } }),
    status: 400,
    body: badRequest('"email_address" is required.'),
  },
  {
    name: 'POST /connect/authorize with bad JSON is a 400',
    request: () => ({ method: 'POST', path: '/connect/authorize', headers: { 'content-type': 'application/json' }, body: '{"client_id": ' }),
    status: 400,
    body: badRequest('Request body is not valid JSON.'),
  },
  {
    name: 'POST /connect/authorize with a body over the limit is a 413',
    request: () => ({
      method: 'POST',
      path: '/connect/authorize',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID, pad: 'x'.repeat(150 * 1024) }),
    }),
    status: 413,
    body: badRequest('Request body is too large.'),
  },
  {
    name: 'GET on /connect/authorize is a 405 in grantkit format, with Allow',
    request: () => get('/connect/authorize'),
    status: 405,
    body: badRequest('Method not allowed; use POST.'),
    headers: { allow: 'POST' },
  },
  {
    name: 'DELETE on /account is a 405',
    request: (fx) => ({ method: 'DELETE', path: '/account', headers: bearer(fx.tokens.full) }),
    status: 405,
    body: badRequest('Method not allowed; use GET.'),
    headers: { allow: 'GET' },
  },
  {
    name: 'POST /connect/token returns the account with its token, not cached',
    request: async (_fx, send) => ({
      method: 'POST',
      path: '/connect/token',
      body: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: await freshCode(send, 'token@example.com') },
    }),
    status: 200,
    headers: { 'cache-control': 'no-store' },
    check: (b) => {
      assert.match(String(b['access_token']), /^gk_at_/);
      assert.equal(b['email_address'], 'token@example.com');
      assert.equal(b['object'], 'account');
      assert.equal(b['linked_at'], Math.floor(NOW / 1000));
    },
  },
  {
    name: 'POST /connect/token takes the secret as HTTP Basic (id:secret)',
    request: async (_fx, send) => ({
      method: 'POST',
      path: '/connect/token',
      headers: { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
      body: { client_id: CLIENT_ID, code: await freshCode(send, 'basic@example.com') },
    }),
    status: 200,
    check: (b) => assert.equal(b['email_address'], 'basic@example.com'),
  },
  {
    name: 'POST /connect/token with a reused code is a 400',
    request: async (_fx, send) => {
      const code = await freshCode(send, 'reuse@example.com');
      const body = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code };
      await send({ method: 'POST', path: '/connect/token', body });
      return { method: 'POST', path: '/connect/token', body };
    },
    status: 400,
    body: badRequest('The code has already been used.'),
  },
  {
    name: 'POST /connect/token with an unknown code is a 400',
    request: () => ({ method: 'POST', path: '/connect/token', body: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: 'gk_code_nope' } }),
    status: 400,
    body: badRequest('The code is invalid or has expired.'),
  },
  {
    name: 'GET /account answers for any valid token',
    request: (fx) => get('/account', bearer(fx.tokens.calendar)),
    status: 200,
    check: (b, fx) => {
      assert.equal(b['id'], fx.accounts.calendar);
      assert.equal(b['email_address'], 'calendar@example.com');
      assert.equal(b['sync_state'], 'running');
    },
  },
  { name: 'GET /account without a token is a 401', request: () => get('/account'), status: 401, body: CREDENTIALS, wwwAuthenticate: MISSING },
  {
    name: 'POST /a/:cid/accounts/:id/token-info reports the token',
    request: (fx) => ({
      method: 'POST',
      path: `/a/${CLIENT_ID}/accounts/${fx.accounts.readSend}/token-info`,
      headers: { authorization: basic(CLIENT_SECRET, '') },
      body: { access_token: fx.tokens.readSend },
    }),
    status: 200,
    body: { created_at: Math.floor(NOW / 1000), scopes: 'email.read_only,email.send', state: 'valid', updated_at: Math.floor(NOW / 1000) },
  },
  {
    name: 'token-info without the client secret is a 401 with a Basic challenge',
    request: (fx) => ({ method: 'POST', path: `/a/${CLIENT_ID}/accounts/${fx.accounts.readSend}/token-info`, body: { access_token: fx.tokens.readSend } }),
    status: 401,
    body: CREDENTIALS,
    wwwAuthenticate: 'Basic realm="grantkit"',
  },
  {
    name: 'token-info for another account is a 404',
    request: (fx) => ({
      method: 'POST',
      path: `/a/${CLIENT_ID}/accounts/${fx.accounts.calendar}/token-info`,
      headers: { authorization: basic(CLIENT_SECRET, '') },
      body: { access_token: fx.tokens.readSend },
    }),
    status: 404,
    body: badRequest('No such access token for this account.'),
  },
  {
    name: 'POST /oauth/revoke answers 200 with an empty body',
    request: (fx) => ({ method: 'POST', path: '/oauth/revoke', headers: bearer(fx.tokens.revokable) }),
    status: 200,
    body: '',
  },
  {
    name: 'a revoked token is a 401 invalid_token',
    request: (fx) => get('/account', bearer(fx.tokens.revokable)),
    status: 401,
    body: CREDENTIALS,
    wwwAuthenticate: INVALID,
  },
  {
    name: 'the native flow end to end on a fresh identity',
    request: async (_fx, send) => {
      const { token } = await connect(send, 'e2e@example.com', 'email.modify');
      return get('/guard/modify', bearer(token));
    },
    status: 200,
    check: (b) => assert.equal(b['route'], 'GET /guard/modify'),
  },
];

/** Every case, in the order they run. Later issues append their lists here. */
export const CONTRACT_CASES: readonly ContractCase[] = [...GUARD_CASES, ...GATE_CASES, ...V2_ROUTE_CASES];
