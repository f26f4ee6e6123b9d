import assert from 'node:assert/strict';
import type { GrantKit } from '../../src/index.js';
import { bearer, CLIENT_ID, CLIENT_SECRET, connect, contractKit, IDENTITIES, NOW, type Fixture, type Identity, type Req, type Send } from './harness.js';

/**
 * Issue 5's v3 surface as contract cases (issue 5: "Koa parity comes through the Koa issue's
 * contract suite"). Each case runs on Express 4, Express 5, Koa 2 and Koa 3, in order, on one app
 * per mount, and names its answer exactly: status, body without `request_id`, WWW-Authenticate.
 * Expected bodies are written out here from nylas-api.md §3 rather than built with the core's own
 * helpers, so a change in the core shows up as a failing case and not as a silently moved target.
 */

/** Long enough for `apiKeys.import` (20 characters or more); the same value on every mount. */
export const API_KEY = 'contract-api-key-0123456789';

/** The contract kit (fixed clock, sandbox provider) with one API key, as the v3 tests set it up. */
export async function v3Kit(): Promise<GrantKit> {
  const kit = contractKit();
  await kit.apiKeys.import(API_KEY, { label: 'contract' });
  return kit;
}

/**
 * The v2 fixture plus what cases create on the way (a grant id, a credential id) under a name, so
 * a later case can use it and an expected body can name it: ids are random per mount.
 */
export interface V3Fixture extends Fixture {
  readonly made: Record<string, string>;
}

export interface V3Case {
  readonly name: string;
  readonly request: (fx: V3Fixture, send: Send) => Req | Promise<Req>;
  readonly status: number;
  /** The exact JSON body without `request_id` (a function when it holds this mount's ids). */
  readonly body?: unknown | ((fx: V3Fixture) => unknown);
  /** Further checks on the parsed body, for answers that are not worth spelling out whole. */
  readonly check?: (body: Record<string, unknown>, fx: V3Fixture) => void;
  /** Absent unless given. */
  readonly wwwAuthenticate?: string;
  /** Other headers that must have exactly this value. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The list's order among grants made in the same (fixed-clock) millisecond falls back to their
   * random ids, so it differs between mounts by construction; the cross-mount comparison sorts it.
   */
  readonly orderFree?: true;
  /** Runs after the checks: keeps an id from the answer in `fx.made`. */
  readonly keep?: (body: Record<string, unknown>, fx: V3Fixture) => void;
}

const S = Math.floor(NOW / 1000);
const CREDENTIALS_MESSAGE = 'Could not verify access credentials.';
const MISSING = 'Bearer realm="grantkit"';
const INVALID = 'Bearer realm="grantkit", error="invalid_token"';
const insufficient = (scope: string): string => `Bearer realm="grantkit", error="insufficient_scope", scope="${scope}"`;
const SEED_403 = 'You do not have access to the required scopes. You provided a token which has the following scopes: ';
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const key = bearer(API_KEY);

/** The v3 error envelope (§3.13), request_id taken out. */
const v3Error = (type: string, message: string): Record<string, unknown> => ({ error: { type, message } });
const AUTH_FAILED = v3Error('api.authentication_error', CREDENTIALS_MESSAGE);
const NEEDS_KEY = v3Error('api.authentication_error', 'This endpoint needs an API key, not an access token.');
const NOT_FOUND = v3Error('grant.not_found', 'Grant not found.');
const ACCESS_DENIED = v3Error('grant.access_denied', 'Access to Grant denied: an access token may only name its own grant.');
const ME_WITH_KEY = v3Error('invalid_request_error', '"me" needs an access token; with an API key, name the grant by id or email.');
const scopes403 = (granted: string, required: string, mode: 'any' | 'all'): Record<string, unknown> =>
  v3Error('insufficient_scopes', `${SEED_403}${granted}. You would need a token with ${mode === 'any' ? 'at least one of' : 'all of'} the following scopes: ${required}`);

/** The OAuth-style error of revoke and tokeninfo (§0.3): what the SDK's NylasOAuthError reads. */
const oauthError = (error: string, description: string, status: number): Record<string, unknown> => ({
  error,
  error_description: description,
  error_uri: `https://developer.nylas.com/docs/api/errors/${status}-response/`,
  error_code: status,
});

/** The v3 grant object (§3.9) of a grant the v2 native flow made at NOW. */
const nativeGrant = (id: string, who: Identity, scope?: readonly string[]): Record<string, unknown> => ({
  id,
  provider: 'sandbox',
  grant_status: 'valid',
  email: IDENTITIES[who].email,
  name: 'Contract',
  scope: scope ?? IDENTITIES[who].scopes.split(','),
  created_at: S,
  updated_at: S,
  settings: {},
  verified: true,
});

/** The management account of §1.9 (note `email`, not `email_address`). */
const account = (id: string, email: string): Record<string, unknown> => ({
  id,
  account_id: id,
  billing_state: 'paid',
  email,
  provider: 'sandbox',
  sync_state: 'running',
  trial: false,
  namespace_id: id,
  authentication_type: 'password',
  metadata: {},
});

const get = (path: string, headers?: Record<string, string>): Req => ({ method: 'GET', path, ...(headers ? { headers } : {}) });
const secretAuth = { authorization: basic(CLIENT_SECRET, '') };
const made = (fx: V3Fixture, name: string): string => {
  const v = fx.made[name];
  assert.ok(v !== undefined, `an earlier case should have made "${name}"`);
  return v;
};
const idOf = (b: Record<string, unknown>): string => String((b['data'] as Record<string, unknown>)['id']);

/** The grants API (§3.8) and grant resolution from the path on grantkit's own routes. */
export const V3_GRANT_CASES: readonly V3Case[] = [
  {
    name: 'GET /v3/grants with an API key, filtered by email',
    request: () => get('/v3/grants?email=calendar@example.com', key),
    status: 200,
    body: (fx: V3Fixture) => ({ data: [nativeGrant(fx.accounts.calendar, 'calendar')], limit: 10, offset: 0 }),
  },
  {
    name: 'GET /v3/grants lists the v2 flow grants (v2 and v3 grants are the same objects)',
    request: () => get('/v3/grants?limit=50', key),
    status: 200,
    orderFree: true,
    check: (b, fx) => {
      const ids = (b['data'] as Array<Record<string, unknown>>).map((g) => g['id']).sort();
      assert.deepEqual(ids, Object.values(fx.accounts).sort());
      assert.equal(b['limit'], 50);
    },
  },
  {
    name: 'GET /v3/grants with a bad limit is a 400 in the v3 envelope',
    request: () => get('/v3/grants?limit=0', key),
    status: 400,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'invalid_request_error'),
  },
  {
    name: 'GET /v3/grants/{id} with an API key',
    request: (fx) => get(`/v3/grants/${fx.accounts.readSend}`, key),
    status: 200,
    body: (fx: V3Fixture) => ({ data: nativeGrant(fx.accounts.readSend, 'readSend') }),
  },
  {
    name: 'GET /v3/grants/email:{percent-encoded email} with an API key',
    request: () => get('/v3/grants/email:read-send%40example.com', key),
    status: 200,
    body: (fx: V3Fixture) => ({ data: nativeGrant(fx.accounts.readSend, 'readSend') }),
  },
  {
    name: 'GET /v3/grants/me with an access token',
    request: (fx) => get('/v3/grants/me', bearer(fx.tokens.calendar)),
    status: 200,
    body: (fx: V3Fixture) => ({ data: nativeGrant(fx.accounts.calendar, 'calendar') }),
  },
  { name: 'GET /v3/grants/me with an API key is a 400', request: () => get('/v3/grants/me', key), status: 400, body: ME_WITH_KEY },
  {
    name: 'an access token naming another grant is a 403 grant.access_denied',
    request: (fx) => get(`/v3/grants/${fx.accounts.readSend}`, bearer(fx.tokens.calendar)),
    status: 403,
    body: ACCESS_DENIED,
  },
  { name: 'an unknown grant with an API key is a 404 grant.not_found', request: () => get('/v3/grants/no-such-grant', key), status: 404, body: NOT_FOUND },
  {
    name: 'Basic on a v3 route is a 401, even carrying a good token',
    request: (fx) => get('/v3/grants/me', { authorization: basic(fx.tokens.calendar, '') }),
    status: 401,
    body: AUTH_FAILED,
    wwwAuthenticate: INVALID,
  },
  { name: 'GET /v3/grants without credentials is a 401', request: () => get('/v3/grants'), status: 401, body: AUTH_FAILED, wwwAuthenticate: MISSING },
  { name: 'GET /v3/grants with an access token is a 401 (API key only)', request: (fx) => get('/v3/grants', bearer(fx.tokens.full)), status: 401, body: NEEDS_KEY },
  {
    name: 'PATCH /v3/grants/{id} narrows the scopes',
    request: async (fx, send) => {
      fx.made['patched'] = (await connect(send, 'patched@example.com', 'email.read_only,calendar')).id;
      return { method: 'PATCH', path: `/v3/grants/${fx.made['patched']}`, headers: key, body: { scope: ['calendar'] } };
    },
    status: 200,
    body: (fx: V3Fixture) => ({
      data: { ...nativeGrant(made(fx, 'patched'), 'calendar', ['calendar']), email: 'patched@example.com' },
    }),
  },
  {
    name: 'PATCH /v3/grants/{id} widening the scopes is a 400',
    request: (fx) => ({ method: 'PATCH', path: `/v3/grants/${made(fx, 'patched')}`, headers: key, body: { scope: ['calendar', 'email'] } }),
    status: 400,
    body: v3Error('invalid_request_error', 'Scope "email" is not among the grant\'s scopes: widening scopes needs the user to re-authenticate.'),
  },
  {
    name: 'PATCH /v3/grants/{id} with an access token is a 401 (API key only)',
    request: (fx) => ({ method: 'PATCH', path: `/v3/grants/${fx.accounts.full}`, headers: bearer(fx.tokens.full), body: { scope: ['email'] } }),
    status: 401,
    body: NEEDS_KEY,
  },
  {
    name: 'DELETE /v3/grants/{id} answers a JSON body',
    request: (fx) => ({ method: 'DELETE', path: `/v3/grants/${made(fx, 'patched')}`, headers: key }),
    status: 200,
    body: {},
  },
  { name: 'a deleted grant is not found', request: (fx) => get(`/v3/grants/${made(fx, 'patched')}`, key), status: 404, body: NOT_FOUND },
  { name: 'DELETE /v3/grants/me with an API key is a 400', request: () => ({ method: 'DELETE', path: '/v3/grants/me', headers: key }), status: 400, body: ME_WITH_KEY },
  {
    name: 'PUT on /v3/grants/{id} is a 405 in the v3 envelope, with Allow',
    request: (fx) => ({ method: 'PUT', path: `/v3/grants/${fx.accounts.full}`, headers: key, body: {} }),
    status: 405,
    body: v3Error('invalid_request_error', 'Method not allowed; use GET, PATCH, DELETE.'),
    headers: { allow: 'GET, PATCH, DELETE' },
  },
  {
    name: 'DELETE on /v3/connect/custom is a 405',
    request: () => ({ method: 'DELETE', path: '/v3/connect/custom', headers: key }),
    status: 405,
    body: v3Error('invalid_request_error', 'Method not allowed; use POST.'),
    headers: { allow: 'POST' },
  },
];

const fixture = (route: string, params: Record<string, string>, grantId: string | null): Record<string, unknown> => ({ route, params, grant_id: grantId });
const MESSAGES = 'GET /v3/grants/:grant/messages';

/** The app's v3 data routes (V3_FIXTURE_ROUTES): path resolution and the guards together. */
export const V3_DATA_ROUTE_CASES: readonly V3Case[] = [
  {
    name: 'data route: an API key names a grant by id',
    request: (fx) => get(`/v3/grants/${fx.accounts.readSend}/messages`, key),
    status: 200,
    body: (fx: V3Fixture) => fixture(MESSAGES, { grant: fx.accounts.readSend }, fx.accounts.readSend),
  },
  {
    name: 'data route: an API key names a grant by percent-encoded email (params decoded)',
    request: () => get('/v3/grants/read-send%40example.com/messages', key),
    status: 200,
    body: (fx: V3Fixture) => fixture(MESSAGES, { grant: 'read-send@example.com' }, fx.accounts.readSend),
  },
  {
    name: 'data route: an API key names a grant as grant:{id}',
    request: (fx) => get(`/v3/grants/grant:${fx.accounts.readSend}/messages`, key),
    status: 200,
    body: (fx: V3Fixture) => fixture(MESSAGES, { grant: `grant:${fx.accounts.readSend}` }, fx.accounts.readSend),
  },
  {
    name: 'data route: an access token names its own grant as me',
    request: (fx) => get('/v3/grants/me/messages', bearer(fx.tokens.readSend)),
    status: 200,
    body: (fx: V3Fixture) => fixture(MESSAGES, { grant: 'me' }, fx.accounts.readSend),
  },
  { name: 'data route: me with an API key is a 400', request: () => get('/v3/grants/me/messages', key), status: 400, body: ME_WITH_KEY },
  {
    name: 'data route: an access token naming another grant is a 403 grant.access_denied',
    request: (fx) => get(`/v3/grants/${fx.accounts.calendar}/messages`, bearer(fx.tokens.readSend)),
    status: 403,
    body: ACCESS_DENIED,
  },
  { name: 'data route: an unknown grant is a 404', request: () => get('/v3/grants/nobody%40example.com/messages', key), status: 404, body: NOT_FOUND },
  { name: 'data route: no credentials is a 401', request: () => get('/v3/grants/me/messages'), status: 401, body: AUTH_FAILED, wwwAuthenticate: MISSING },
  {
    name: 'data route: Basic is a 401 on v3',
    request: (fx) => get('/v3/grants/me/messages', { authorization: basic(fx.tokens.readSend, '') }),
    status: 401,
    body: AUTH_FAILED,
    wwwAuthenticate: INVALID,
  },
  {
    name: 'data route: gate() answers 403 insufficient_scopes from the table',
    request: (fx) => get('/v3/grants/me/messages', bearer(fx.tokens.calendar)),
    status: 403,
    body: scopes403("['calendar.read_only']", "['email.metadata', 'email.read_only', 'email.modify', 'email']", 'any'),
    wwwAuthenticate: insufficient('email.metadata email.read_only email.modify email'),
  },
  {
    name: "data route: the route's requireScopes answers 403 for a token the table let through",
    request: async (_fx, send) => get('/v3/grants/me/messages', bearer((await connect(send, 'metadata@example.com', 'email.metadata')).token)),
    status: 403,
    body: scopes403("['email.metadata']", "['email.read_only']", 'any'),
    wwwAuthenticate: insufficient('email.read_only'),
  },
  {
    name: 'data route: the table alone refuses a write without email.modify',
    request: (fx) => ({ method: 'PUT', path: '/v3/grants/me/messages/7', headers: bearer(fx.tokens.readSend), body: {} }),
    status: 403,
    body: scopes403("['email.read_only', 'email.send']", "['email.modify', 'email']", 'any'),
    wwwAuthenticate: insufficient('email.modify email'),
  },
  {
    name: 'data route: the table lets email write (email ⇒ email.modify)',
    request: (fx) => ({ method: 'PUT', path: `/v3/grants/${fx.accounts.full}/messages/7`, headers: bearer(fx.tokens.full), body: {} }),
    status: 200,
    body: (fx: V3Fixture) => fixture('PUT /v3/grants/:grant/messages/:message_id', { grant: fx.accounts.full, message_id: '7' }, fx.accounts.full),
  },
  {
    name: 'data route: resolve() under a grant path sets the named grant',
    request: () => get('/v3/grants/email:calendar%40example.com/whoami', key),
    status: 200,
    body: (fx: V3Fixture) => fixture('GET /v3/grants/:grant/whoami', { grant: 'email:calendar@example.com' }, fx.accounts.calendar),
  },
  {
    name: 'data route: resolve() leaves the grant unset for another grant and lets the route decide',
    request: (fx) => get(`/v3/grants/${fx.accounts.full}/whoami`, bearer(fx.tokens.calendar)),
    status: 200,
    body: (fx: V3Fixture) => fixture('GET /v3/grants/:grant/whoami', { grant: fx.accounts.full }, null),
  },
  {
    name: "data route: a throwing guard hands the app's error handler the v3 envelope",
    request: async (_fx, send) => get('/v3/grants/me/contacts', bearer((await connect(send, 'contacts-ro@example.com', 'contacts.read_only')).token)),
    status: 403,
    body: scopes403("['contacts.read_only']", "['contacts']", 'all'),
    wwwAuthenticate: insufficient('contacts'),
  },
];

// An explicit scope: without one the grant gets the kit's default scopes, which are not this suite's business.
const custom = (email: string, password = 'sandbox'): Record<string, unknown> => ({ provider: 'sandbox', settings: { email, password }, scope: ['email.read_only'] });
const customGrant = (id: string, email: string): Record<string, unknown> => ({
  id,
  provider: 'sandbox',
  grant_status: 'valid',
  email,
  name: '',
  scope: ['email.read_only'],
  created_at: S,
  updated_at: S,
  settings: {},
  verified: true,
});

/** POST /v3/connect/custom, revoke and tokeninfo (§3.5–§3.7). */
export const V3_CONNECT_CASES: readonly V3Case[] = [
  {
    name: 'POST /v3/connect/custom (sandbox) creates a grant: 201',
    request: () => ({ method: 'POST', path: '/v3/connect/custom', headers: key, body: custom('custom@example.com') }),
    status: 201,
    check: (b) => assert.deepEqual(b, { data: customGrant(idOf(b), 'custom@example.com') }),
    keep: (b, fx) => {
      fx.made['custom'] = idOf(b);
    },
  },
  {
    name: 'POST /v3/connect/custom again for the same email re-authenticates: 200, same id',
    request: () => ({ method: 'POST', path: '/v3/connect/custom', headers: key, body: custom('CUSTOM@example.com') }),
    status: 200,
    body: (fx: V3Fixture) => ({ data: customGrant(made(fx, 'custom'), 'custom@example.com') }),
  },
  {
    name: 'POST /v3/connect/custom with a wrong sandbox password is refused',
    request: () => ({ method: 'POST', path: '/v3/connect/custom', headers: key, body: custom('wrong@example.com', 'nope') }),
    status: 401,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'api.authentication_error'),
  },
  {
    name: 'POST /v3/connect/custom without settings is a 400',
    request: () => ({ method: 'POST', path: '/v3/connect/custom', headers: key, body: { provider: 'sandbox' } }),
    status: 400,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'invalid_request_error'),
  },
  {
    name: 'POST /v3/connect/custom with an access token is a 401 (API key only)',
    request: (fx) => ({ method: 'POST', path: '/v3/connect/custom', headers: bearer(fx.tokens.full), body: custom('x@example.com') }),
    status: 401,
    body: NEEDS_KEY,
  },
  {
    name: 'POST /v3/connect/revoke?token= revokes a token: 200 {} uncached',
    request: async (_fx, send) => {
      const { token } = await connect(send, 'revoked@example.com', 'email.read_only');
      return { method: 'POST', path: `/v3/connect/revoke?token=${token}`, headers: key };
    },
    status: 200,
    body: {},
    headers: { 'cache-control': 'no-store' },
  },
  {
    name: 'POST /v3/connect/revoke with an unknown token is a 400 invalid_token (Nylas, not RFC 7009)',
    request: () => ({ method: 'POST', path: '/v3/connect/revoke?token=gk_at_unknown', headers: key }),
    status: 400,
    body: oauthError('invalid_token', 'Token expired or revoked', 400),
  },
  {
    name: 'POST /v3/connect/revoke without a token is a 400 invalid_request',
    request: () => ({ method: 'POST', path: '/v3/connect/revoke', headers: key }),
    status: 400,
    body: oauthError('invalid_request', 'Send exactly one "token" query parameter.', 400),
  },
  {
    name: 'POST /v3/connect/revoke without credentials is a 401 invalid_client',
    request: () => ({ method: 'POST', path: '/v3/connect/revoke?token=gk_at_x' }),
    status: 401,
    body: oauthError('invalid_client', CREDENTIALS_MESSAGE, 401),
    wwwAuthenticate: MISSING,
  },
  {
    name: 'GET /v3/connect/tokeninfo?access_token= answers the claims and the scopes the token acts with, uncached',
    request: (fx) => get(`/v3/connect/tokeninfo?access_token=${fx.tokens.calendar}`, key),
    status: 200,
    headers: { 'cache-control': 'no-store' },
    check: (b, fx) => {
      const d = b['data'] as Record<string, unknown>;
      assert.deepEqual({ ...d, iss: undefined }, { iss: undefined, aud: CLIENT_ID, sub: fx.accounts.calendar, email: 'calendar@example.com', iat: S, scope: 'calendar.read_only' });
      assert.equal(typeof d['iss'], 'string');
    },
  },
  {
    name: 'GET /v3/connect/tokeninfo with an unknown token is a 400 invalid_token',
    request: () => get('/v3/connect/tokeninfo?access_token=gk_at_unknown', key),
    status: 400,
    body: oauthError('invalid_token', 'Token expired or revoked', 400),
  },
  {
    name: 'GET /v3/connect/tokeninfo with an id_token this kit never issued is a 400 invalid_token',
    request: () => get('/v3/connect/tokeninfo?id_token=a.b.c', key),
    status: 400,
    body: oauthError('invalid_token', 'Token expired or revoked', 400),
  },
  {
    name: 'GET /v3/connect/tokeninfo with both token kinds is a 400 invalid_request',
    request: (fx) => get(`/v3/connect/tokeninfo?access_token=${fx.tokens.calendar}&id_token=x`, key),
    status: 400,
    body: oauthError('invalid_request', 'Send exactly one of "access_token" or "id_token".', 400),
  },
  {
    name: "GET /v3/connect/tokeninfo: an access token may not read another grant's token",
    request: (fx) => get(`/v3/connect/tokeninfo?access_token=${fx.tokens.calendar}`, bearer(fx.tokens.full)),
    status: 400,
    body: oauthError('invalid_token', 'Token expired or revoked', 400),
  },
];

const MS_BODY = { provider: 'microsoft', name: 'MS', settings: { client_id: 'ms-cid', client_secret: 'ms-secret', tenant: 'contoso' }, scope: ['Mail.Read'] };
const connector = (fx: V3Fixture, name: string, scope: readonly string[]): Record<string, unknown> => ({
  id: made(fx, 'connector'),
  name,
  provider: 'microsoft',
  settings: { tenant: 'contoso', client_id: 'ms-cid' },
  scope: [...scope],
  active_credential_id: null,
  created_at: S,
  updated_at: S,
});
const credential = (fx: V3Fixture, name: string): Record<string, unknown> => ({
  id: made(fx, 'credential'),
  name,
  credential_type: 'adminconsent',
  created_at: S,
  updated_at: S,
});
const CRED_BODY = { name: 'consent', credential_type: 'adminconsent', credential_data: { client_id: 'ms-cid', client_secret: 'ms-secret' } };
const noSecret = (b: Record<string, unknown>): void => assert.equal(JSON.stringify(b).includes('ms-secret'), false, 'a secret was echoed');

/** /v3/connectors (and the /v3/integrations alias) and their credentials (§3.10, §3.11). */
export const V3_CONNECTOR_CASES: readonly V3Case[] = [
  {
    name: 'POST /v3/connectors creates a connector: 201, secret never echoed',
    request: () => ({ method: 'POST', path: '/v3/connectors', headers: key, body: MS_BODY }),
    status: 201,
    check: noSecret,
    keep: (b, fx) => {
      fx.made['connector'] = idOf(b);
    },
  },
  {
    name: 'the created connector reads back exactly',
    request: () => get('/v3/connectors/microsoft', key),
    status: 200,
    body: (fx: V3Fixture) => ({ data: connector(fx, 'MS', ['Mail.Read']) }),
  },
  {
    name: 'POST /v3/connectors for a provider that has one is a 409',
    request: () => ({ method: 'POST', path: '/v3/connectors', headers: key, body: MS_BODY }),
    status: 409,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'conflict'),
  },
  {
    name: 'POST /v3/connectors with a misspelt settings key is a 400',
    request: () => ({ method: 'POST', path: '/v3/connectors', headers: key, body: { provider: 'google', settings: { client_id: 'g', clientSecret: 's' } } }),
    status: 400,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'invalid_request_error'),
  },
  {
    name: 'PUT /v3/connectors/{provider} updates (as the v8 SDK sends it)',
    request: () => ({ method: 'PUT', path: '/v3/connectors/microsoft', headers: key, body: { name: 'MS 2' } }),
    status: 200,
    body: (fx: V3Fixture) => ({ data: connector(fx, 'MS 2', ['Mail.Read']) }),
  },
  {
    name: 'PATCH /v3/integrations/{provider} updates through the alias',
    request: () => ({ method: 'PATCH', path: '/v3/integrations/microsoft', headers: key, body: { scope: ['Mail.Read', 'User.Read'] } }),
    status: 200,
    body: (fx: V3Fixture) => ({ data: connector(fx, 'MS 2', ['Mail.Read', 'User.Read']) }),
  },
  {
    name: 'GET /v3/connectors lists it',
    request: () => get('/v3/connectors', key),
    status: 200,
    check: (b, fx) => assert.deepEqual(b['data'], [connector(fx, 'MS 2', ['Mail.Read', 'User.Read'])]),
  },
  {
    name: 'GET /v3/integrations (alias) lists the same',
    request: () => get('/v3/integrations', key),
    status: 200,
    check: (b, fx) => assert.deepEqual(b['data'], [connector(fx, 'MS 2', ['Mail.Read', 'User.Read'])]),
  },
  {
    name: 'GET /v3/connectors/{provider} for a provider without one is a 404',
    request: () => get('/v3/connectors/zoom', key),
    status: 404,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'not_found_error'),
  },
  { name: 'GET /v3/connectors with an access token is a 401 (API key only)', request: (fx) => get('/v3/connectors', bearer(fx.tokens.full)), status: 401, body: NEEDS_KEY },
  { name: 'GET /v3/connectors without credentials is a 401', request: () => get('/v3/connectors'), status: 401, body: AUTH_FAILED, wwwAuthenticate: MISSING },
  {
    name: 'POST /v3/connectors/{provider}/creds creates a credential: 201, data never echoed',
    request: () => ({ method: 'POST', path: '/v3/connectors/microsoft/creds', headers: key, body: CRED_BODY }),
    status: 201,
    check: noSecret,
    keep: (b, fx) => {
      fx.made['credential'] = idOf(b);
    },
  },
  {
    name: 'the same credential again is a 200 with the same one',
    request: () => ({ method: 'POST', path: '/v3/connectors/microsoft/creds', headers: key, body: CRED_BODY }),
    status: 200,
    body: (fx: V3Fixture) => ({ data: credential(fx, 'consent') }),
  },
  {
    name: 'a service account credential on Microsoft is a 400',
    request: () => ({
      method: 'POST',
      path: '/v3/connectors/microsoft/creds',
      headers: key,
      body: { name: 'sa', credential_type: 'serviceaccount', credential_data: { client_email: 'a@b', private_key: 'k' } },
    }),
    status: 400,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'invalid_request_error'),
  },
  {
    name: 'GET /v3/connectors/{provider}/creds lists it',
    request: () => get('/v3/connectors/microsoft/creds', key),
    status: 200,
    check: (b, fx) => assert.deepEqual(b['data'], [credential(fx, 'consent')]),
  },
  {
    name: 'GET /v3/connectors/{provider}/creds/{id}',
    request: (fx) => get(`/v3/connectors/microsoft/creds/${made(fx, 'credential')}`, key),
    status: 200,
    body: (fx: V3Fixture) => ({ data: credential(fx, 'consent') }),
  },
  {
    name: 'PATCH /v3/integrations/{provider}/creds/{id} renames it through the alias',
    request: (fx) => ({ method: 'PATCH', path: `/v3/integrations/microsoft/creds/${made(fx, 'credential')}`, headers: key, body: { name: 'consent-2' } }),
    status: 200,
    body: (fx: V3Fixture) => ({ data: credential(fx, 'consent-2') }),
  },
  {
    name: 'POST /v3/connect/custom with an unknown credential_id is a 400, before any provider call',
    request: () => ({ method: 'POST', path: '/v3/connect/custom', headers: key, body: { provider: 'microsoft', settings: { email_address: 'room@contoso.example', credential_id: 'nope' } } }),
    status: 400,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'invalid_request_error'),
  },
  {
    name: 'DELETE /v3/connectors/{provider}/creds/{id}',
    request: (fx) => ({ method: 'DELETE', path: `/v3/connectors/microsoft/creds/${made(fx, 'credential')}`, headers: key }),
    status: 200,
    check: (b) => assert.equal(typeof b, 'object'),
  },
  {
    name: 'a deleted credential is a 404',
    request: (fx) => get(`/v3/connectors/microsoft/creds/${made(fx, 'credential')}`, key),
    status: 404,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'not_found_error'),
  },
  {
    name: 'DELETE /v3/connectors/{provider}',
    request: () => ({ method: 'DELETE', path: '/v3/connectors/microsoft', headers: key }),
    status: 200,
    check: (b) => assert.equal(typeof b, 'object'),
  },
  { name: 'a deleted connector is gone from the list', request: () => get('/v3/integrations', key), status: 200, check: (b) => assert.deepEqual(b['data'], []) },
];

/** POST /v3/providers/detect (§3.12) and v2 management /a/{client_id}/accounts (§1.9). */
export const V3_MISC_CASES: readonly V3Case[] = [
  {
    name: 'POST /v3/providers/detect finds Gmail in the built-in table',
    request: () => ({ method: 'POST', path: '/v3/providers/detect?email=someone%40gmail.com', headers: key }),
    status: 200,
    check: (b) => {
      const d = b['data'] as Record<string, unknown>;
      assert.equal(d['email_address'], 'someone@gmail.com');
      assert.equal(d['detected'], true);
      assert.equal(d['provider'], 'google');
    },
  },
  {
    name: 'POST /v3/providers/detect: an unknown domain is not detected (no lookup by default)',
    request: () => ({ method: 'POST', path: '/v3/providers/detect?email=a%40unknown.example', headers: key }),
    status: 200,
    body: { data: { email_address: 'a@unknown.example', detected: false } },
  },
  {
    name: 'POST /v3/providers/detect without an email is a 400',
    request: () => ({ method: 'POST', path: '/v3/providers/detect', headers: key }),
    status: 400,
    check: (b) => assert.equal((b['error'] as Record<string, unknown>)['type'], 'invalid_request_error'),
  },
  {
    name: 'GET /a/{client_id}/accounts lists the grants as management accounts',
    request: () => get(`/a/${CLIENT_ID}/accounts?limit=100`, secretAuth),
    status: 200,
    orderFree: true,
    check: (b, fx) => {
      const list = b as unknown as Array<Record<string, unknown>>;
      assert.ok(Array.isArray(list));
      assert.deepEqual(
        list.find((a) => a['id'] === fx.accounts.calendar),
        account(fx.accounts.calendar, 'calendar@example.com'),
      );
    },
  },
  {
    name: 'GET /a/{client_id}/accounts/{id}',
    request: (fx) => get(`/a/${CLIENT_ID}/accounts/${fx.accounts.calendar}`, secretAuth),
    status: 200,
    body: (fx: V3Fixture) => account(fx.accounts.calendar, 'calendar@example.com'),
  },
  {
    name: 'DELETE /a/{client_id}/accounts/{id} answers {success: true}',
    request: (fx) => ({ method: 'DELETE', path: `/a/${CLIENT_ID}/accounts/${made(fx, 'custom')}`, headers: secretAuth }),
    status: 200,
    body: { success: true },
  },
  {
    name: 'a deleted account is a 404 in the v2 body, and gone from v3 too',
    request: (fx) => get(`/a/${CLIENT_ID}/accounts/${made(fx, 'custom')}`, secretAuth),
    status: 404,
    body: { message: 'No such account.', type: 'invalid_request_error' },
  },
  { name: '…and v3 agrees', request: (fx) => get(`/v3/grants/${made(fx, 'custom')}`, key), status: 404, body: NOT_FOUND },
  {
    name: '/a/{client_id}/accounts with a wrong secret is a 401 with a Basic challenge',
    request: () => get(`/a/${CLIENT_ID}/accounts`, { authorization: basic('wrong', '') }),
    status: 401,
    body: { message: CREDENTIALS_MESSAGE, type: 'api_error' },
    wwwAuthenticate: 'Basic realm="grantkit"',
  },
  {
    name: 'POST on /a/{client_id}/accounts is a 405',
    request: () => ({ method: 'POST', path: `/a/${CLIENT_ID}/accounts`, headers: secretAuth, body: {} }),
    status: 405,
    body: { message: 'Method not allowed; use GET.', type: 'invalid_request_error' },
    headers: { allow: 'GET' },
  },
];

/** Every v3 case, in the order they run (later ones use what earlier ones made). */
export const V3_CASES: readonly V3Case[] = [...V3_GRANT_CASES, ...V3_DATA_ROUTE_CASES, ...V3_CONNECT_CASES, ...V3_CONNECTOR_CASES, ...V3_MISC_CASES];
