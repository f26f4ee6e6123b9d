import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { V3_FIXTURE_ROUTES } from './fixture-routes.js';
import { IDENTITIES, sender, setUp, type Fixture, type Identity, type Req, type Res, type Send } from './harness.js';
import { MOUNTS } from './mounts.js';
import { API_KEY, v3Kit } from './v3-cases.js';

/**
 * The differential property of issue 3 §5 over the v3 surface: generated Authorization values,
 * `{grant}` references and bodies go to Express 5 and to Koa 3; status, body (request_id taken
 * out) and WWW-Authenticate must match. Fixed seed, bounded runs, requests in sequence so both
 * stores see the same operations in the same order.
 */
const SEED = 20260605;
const RUNS = 150;

const identity = fc.constantFrom(...(Object.keys(IDENTITIES) as Identity[]));

/** A credential as the generator names it; each app substitutes its own values for names. */
type Cred = { readonly kind: 'api_key' } | { readonly kind: 'token'; readonly of: Identity } | { readonly kind: 'literal'; readonly value: string };
type AuthSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly cred: Cred }
  | { readonly kind: 'basic'; readonly cred: Cred; readonly pass: string }
  | { readonly kind: 'raw'; readonly value: string };

const cred: fc.Arbitrary<Cred> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Cred>({ kind: 'api_key' }) },
  { weight: 3, arbitrary: identity.map((of): Cred => ({ kind: 'token', of })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.stringMatching(/^gk_(at|key)_[A-Za-z0-9_-]{0,43}$/), fc.constantFrom('', ' ', API_KEY.toUpperCase(), `${API_KEY} `, 'me'))
      .map((value): Cred => ({ kind: 'literal', value })),
  },
);
/** Header-safe printable ASCII: anything else the HTTP client refuses before a framework sees it. */
const printable = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const auth: fc.Arbitrary<AuthSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<AuthSpec>({ kind: 'none' }) },
  { weight: 8, arbitrary: cred.map((c): AuthSpec => ({ kind: 'bearer', cred: c })) },
  { weight: 1, arbitrary: fc.record({ cred, pass: fc.constantFrom('', 'x') }).map((b): AuthSpec => ({ kind: 'basic', ...b })) },
  { weight: 1, arbitrary: printable.map((value): AuthSpec => ({ kind: 'raw', value })) },
);

/**
 * A `{grant}` path segment, as it goes on the wire (already percent-encoded where it says so).
 * Names resolve per app: an identity's grant id or email; the rest is literal.
 */
type Ref =
  | { readonly kind: 'id' | 'grant:id' | 'encoded-id'; readonly of: Identity }
  | { readonly kind: 'email' | 'email:email' | 'encoded-email' | 'upper-email'; readonly of: Identity }
  | { readonly kind: 'literal'; readonly value: string };

const refSpec: fc.Arbitrary<Ref> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('id' as const, 'grant:id' as const, 'encoded-id' as const), of: identity }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('email' as const, 'email:email' as const, 'encoded-email' as const, 'upper-email' as const),
      of: identity,
    }),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.constantFrom('me', 'ME', 'm%65', 'grant:', 'email:', 'grant%3Ame', 'email%3A', 'nobody%40example.com', 'a@b', '@', 'no-such-id'),
        // Malformed or odd percent-encodings: bad hex, a lone %, an encoded slash, NUL, a lone UTF-8 byte.
        fc.constantFrom('%ZZ', '%', '%2F', 'a%2Fb', '%25', '%00', '%E9', 'caf%C3%A9%40example.com', '%20me'),
        fc.stringMatching(/^[A-Za-z0-9._~:@!$&'()*+,;=-]{1,20}$/).filter((s) => s !== '.' && s !== '..'),
      )
      .map((value): Ref => ({ kind: 'literal', value })),
  },
);

function refOn(r: Ref, fx: Fixture): string {
  if (r.kind === 'literal') return r.value;
  const id = fx.accounts[r.of];
  const email = IDENTITIES[r.of].email;
  switch (r.kind) {
    case 'id':
      return id;
    case 'grant:id':
      return `grant:${id}`;
    case 'encoded-id':
      // Every character percent-encoded: the router's decoded parameter must still name the grant.
      return [...id].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    case 'email':
      return email;
    case 'email:email':
      return `email:${email}`;
    case 'encoded-email':
      return encodeURIComponent(email);
    case 'upper-email':
      return email.toUpperCase();
  }
}

const scopeName = fc.constantFrom('email', 'email.read_only', 'email.send', 'calendar', 'calendar.read_only', 'contacts', 'bogus', '', ' email ');
const scopeList = fc.oneof(fc.array(scopeName, { maxLength: 4 }), fc.constant('email'), fc.constant(null), fc.integer());
const genEmail = fc.constantFrom('gen@example.com', 'GEN@example.com', 'other-gen@example.com', 'calendar@example.com', 'not-an-email', '');
const customBody = fc.record(
  {
    provider: fc.constantFrom('sandbox', 'SANDBOX', 'nope', '', 'microsoft', 'google'),
    settings: fc.oneof(
      fc.record({ email: genEmail, password: fc.constantFrom('sandbox', 'wrong') }, { requiredKeys: [] }),
      // A bulk grant naming a credential that does not exist: refused before any provider call.
      fc.record({ email_address: genEmail, credential_id: fc.constantFrom('nope', '') }),
      fc.constantFrom('x', null, [] as unknown[]),
    ),
    scope: scopeList,
    name: fc.constantFrom('Gen', ''),
    state: fc.constantFrom('s', 'x'.repeat(300)),
  },
  { requiredKeys: [] },
);
const patchBody = fc.record(
  {
    scope: scopeList,
    settings: fc.oneof(fc.constant({ password: 'sandbox' }), fc.constant({ password: 'wrong' }), fc.constant('x')),
  },
  { requiredKeys: [] },
);
/** A JSON body as sent: the object, a form encoding of it, or something that does not parse. */
const sentBody = (json: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<{ contentType: string | undefined; body: string }> =>
  fc.oneof(
    { weight: 5, arbitrary: json.map((b) => ({ contentType: 'application/json', body: JSON.stringify(b) })) },
    { weight: 1, arbitrary: json.map((b) => ({ contentType: 'text/plain', body: JSON.stringify(b) })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '[]', 'null', '"x"').map((body) => ({ contentType: 'application/json', body })) },
    {
      weight: 1,
      arbitrary: json.map((b) => ({ contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams(Object.entries(b).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString() })),
    },
  );

const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
// No page smaller than the list: grants made in the same millisecond are paged in the order of
// their random ids, so a short page would hold different grants on the two apps by construction.
const query = fc.constantFrom('', '?limit=200', '?limit=0', '?email=calendar@example.com', '?grant_status=valid&order_by=asc', '?sort_by=bogus', '?offset=-1');

interface Spec {
  readonly method: Req['method'];
  /** `{ref}` marks where the grant segment goes. */
  readonly path: string;
  readonly ref: Ref;
  readonly auth: AuthSpec;
  readonly sent: { contentType: string | undefined; body: string } | undefined;
}

type Target = Pick<Spec, 'method' | 'path' | 'sent'>;
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Target>({ method: 'GET', path: '/v3/grants/{ref}', sent: undefined }) },
  { weight: 3, arbitrary: sentBody(patchBody).map((sent): Target => ({ method: 'PATCH', path: '/v3/grants/{ref}', sent })) },
  { weight: 1, arbitrary: fc.constantFrom<Req['method']>('POST', 'PUT').map((method): Target => ({ method, path: '/v3/grants/{ref}', sent: undefined })) },
  { weight: 1, arbitrary: query.map((q): Target => ({ method: 'GET', path: `/v3/grants${q}`, sent: undefined })) },
  { weight: 3, arbitrary: sentBody(customBody).map((sent): Target => ({ method: 'POST', path: '/v3/connect/custom', sent })) },
  // The app's v3 data routes, each under a generated grant reference.
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...V3_FIXTURE_ROUTES), segment)
      .map(([r, s]): Target => ({ method: r.method, path: r.path.replace(':grant', '{ref}').replace(/:[a-z_]+/g, s), sent: undefined })),
  },
);

const spec: fc.Arbitrary<Spec> = fc.record({ target, ref: refSpec, auth }).map(({ target: t, ref, auth: a }) => ({ ...t, ref, auth: a }));

function credOn(c: Cred, fx: Fixture): string {
  return c.kind === 'api_key' ? API_KEY : c.kind === 'token' ? fx.tokens[c.of] : c.value;
}

function toReq(s: Spec, fx: Fixture): Req {
  const headers: Record<string, string> = {};
  if (s.auth.kind === 'bearer') headers['authorization'] = `Bearer ${credOn(s.auth.cred, fx)}`;
  if (s.auth.kind === 'basic') headers['authorization'] = `Basic ${Buffer.from(`${credOn(s.auth.cred, fx)}:${s.auth.pass}`).toString('base64')}`;
  if (s.auth.kind === 'raw') headers['authorization'] = s.auth.value;
  if (s.sent?.contentType !== undefined) headers['content-type'] = s.sent.contentType;
  const path = s.path.replace('{ref}', refOn(s.ref, fx));
  return { method: s.method, path, headers, ...(s.sent === undefined ? {} : { body: s.sent.body }) };
}

/**
 * The frameworks' own answers are not grantkit's and differ by design (Express's HTML 404 page,
 * Koa's text one); a path that reaches neither grantkit nor a fixture route is compared only as
 * "the framework's not found".
 */
function frameworkNotFound(res: Res): boolean {
  return res.status === 404 && !/^application\/json/.test(String(res.headers['content-type']));
}

/**
 * A known framework difference, outside grantkit: Express 4 and 5 decode route parameters while
 * matching the route and answer a malformed one (`%ZZ`, a lone `%E9`) with their own HTML 400
 * before any of the route's middleware runs, while @koa/router keeps the raw text and runs it.
 * On a row the endpoint table guards, gate() (app-wide, before routing) answers first on both, so
 * only the resolve()-only row is affected, and grantkit never sees that request on Express.
 */
function frameworkDecodes(s: Spec): boolean {
  if (!s.path.endsWith('/whoami') || s.ref.kind !== 'literal') return false;
  try {
    decodeURIComponent(s.ref.value);
    return false;
  } catch {
    return true;
  }
}

/** What must match: status, WWW-Authenticate and the body, with generated values masked. */
function comparable(res: Res, fx: Fixture): string {
  if (frameworkNotFound(res)) return '404 (the framework\'s own)';
  let text = res.text;
  for (const name of Object.keys(fx.tokens) as Identity[]) {
    text = text.replaceAll(fx.tokens[name], `<token:${name}>`).replaceAll(fx.accounts[name], `<account:${name}>`);
  }
  // Both spellings of an id: as sent, and percent-encoded (the `encoded-id` references).
  for (const name of Object.keys(fx.accounts) as Identity[]) {
    const encoded = [...fx.accounts[name]].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    text = text.replaceAll(encoded, `<encoded-account:${name}>`);
  }
  text = text
    .replace(/"request_id":"[^"]*",?/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  return `${res.status}\n${res.headers['www-authenticate'] ?? '-'}\n${orderFree(text)}`;
}

/**
 * Grants made in the same millisecond (the kit's clock is fixed) are listed in the order of their
 * random ids, which differ between the two apps by construction: lists compare as sorted.
 */
function orderFree(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { data?: unknown }).data)) return text;
  const data = ((body as { data: unknown[] }).data).map((g) => JSON.stringify(g)).sort();
  return JSON.stringify({ ...body, data });
}

/** The v3 rule each side must keep by itself: the body's request_id is the x-request-id header. */
function assertRequestId(res: Res, side: string): void {
  if (!/^application\/json/.test(String(res.headers['content-type']))) return;
  const body = JSON.parse(res.text) as unknown;
  if (body !== null && typeof body === 'object' && 'request_id' in body) {
    assert.equal(res.headers['x-request-id'], (body as { request_id: unknown }).request_id, `${side}: x-request-id`);
  }
}

describe('differential (v3): Express 5 and Koa 3 answer generated v3 requests alike', () => {
  const expressMount = MOUNTS.find((m) => m.name === 'express5')!;
  const koaMount = MOUNTS.find((m) => m.name === 'koa3')!;
  let express: { send: Send; fx: Fixture };
  let koa: { send: Send; fx: Fixture };
  before(async () => {
    const e = sender(expressMount.build(await v3Kit(), V3_FIXTURE_ROUTES));
    const k = sender(koaMount.build(await v3Kit(), V3_FIXTURE_ROUTES));
    express = { send: e, fx: await setUp(e) };
    koa = { send: k, fx: await setUp(k) };
  });

  it(`status, body and WWW-Authenticate match (seed ${SEED}, ${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        fc.pre(!frameworkDecodes(s));
        // Sequential, not parallel: both stores must see the same operations in the same order.
        const e = await express.send(toReq(s, express.fx));
        const k = await koa.send(toReq(s, koa.fx));
        assert.ok(e.status < 500, `Express 5xx: ${e.status} ${e.text}`);
        assertRequestId(e, 'Express');
        assertRequestId(k, 'Koa');
        assert.equal(comparable(k, koa.fx), comparable(e, express.fx));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
