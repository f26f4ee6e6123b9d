import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { misplacedCredential } from '../../src/auth/placement.js';
import { decideNaming, grantsNamed, grantParamNames } from '../../src/grants/ownership.js';
import { GrantKitError, ScopeGuard } from '../../src/index.js';
import { makeKit } from '../support/helpers.js';

/** The three rules as tables: what gate() matches, which grant a request names and who may name it, where a token may travel. */

describe('gate() path table', () => {
  const lookup = makeKit().kit.gate();
  const kind = (v: ReturnType<typeof lookup>): string =>
    v === undefined ? 'pass' : v === null ? 'any token' : v instanceof GrantKitError ? `${v.status} ${v.headers['allow']}` : v instanceof ScopeGuard ? v.scopes.join(' ') : '?';
  const READ = 'email.metadata email.read_only email.modify email';
  const rows: ReadonlyArray<[string, string, string | undefined, string]> = [
    ['GET', '/messages', undefined, READ],
    ['GET', '/MESSAGES', undefined, READ],
    ['HEAD', '/messages', undefined, READ],
    ['head', '/Messages/', undefined, READ],
    ['GET', '/messages//', undefined, READ],
    ['GET', '/%6Dessages', undefined, READ],
    ['GET', '/%6dESSAGES/7/', undefined, READ],
    ['GET', '/messages/a%2Fb', undefined, READ],
    ['GET', '/messages/Search', undefined, 'email.read_only email.modify email'],
    ['POST', '/SEND', undefined, 'email.send email'],
    ['GET', '/account', undefined, 'any token'],
    ['PATCH', '/messages/1', undefined, '405 GET, HEAD, PUT, DELETE'],
    ['POST', '/send/', undefined, 'email.send email'],
    ['GET', '/send', undefined, '405 POST'],
    ['OPTIONS', '/messages', undefined, 'pass'],
    ['GET', '/messagesx', undefined, 'pass'],
    ['GET', '/', undefined, 'pass'],
    ['PUT', '/v3/grants/anyone@example.com/Messages/1', undefined, 'email.modify email'],
    ['PUT', '/V3/GRANTS/x/messages/1', undefined, 'email.modify email'],
    ['GET', '/nylas/v3/grants/me/messages', undefined, READ],
    // Mounted below the grant part (`app.use('/v3', router)`): the full URL says which row.
    ['GET', '/grants/me/messages', '/v3/grants/me/messages?x=1', READ],
    ['GET', '/messages', '/v3/grants/me/messages', READ],
    ['GET', '/v3/grants/me', undefined, 'pass'],
  ];
  for (const [method, path, originalUrl, expected] of rows) {
    it(`${method} ${path}${originalUrl ? ` (under ${originalUrl})` : ''} → ${expected}`, () => {
      assert.equal(kind(lookup(method, path, originalUrl)), expected);
    });
  }
});

describe('which grant a request names, and who may name it', () => {
  const alice = { id: 'g-alice', email: 'Alice@example.com' };
  const access = { kind: 'access' as const, grant: alice };
  const key = { kind: 'api_key' as const };
  const names = grantParamNames('account');
  const rows: ReadonlyArray<[string, Record<string, string> | undefined, string, string]> = [
    // url, params, access-token decision, API-key decision
    ['/messages', undefined, 'none', 'none'],
    ['/v3/grants/me/messages', undefined, 'own', 'me_with_key'],
    ['/v3/grants/g-alice/messages', { grant: 'g-alice' }, 'own', 'lookup id g-alice'],
    ['/nylas/v3/grants/alice%40EXAMPLE.com/messages', undefined, 'own', 'lookup email alice@EXAMPLE.com'],
    ['/nylas/V3/Grants/g-bob/messages', undefined, 'denied other', 'lookup id g-bob'],
    ['/v3/grants/g-alice/messages', { grant: 'g-bob' }, 'denied other', 'denied unreadable'],
    ['/api/accounts/g-bob/messages', { account: 'g-bob' }, 'denied other', 'lookup id g-bob'],
    ['/api/accounts/g-bob/messages', { other: 'g-bob' }, 'none', 'none'],
    ['/v3/grants/grant:/messages', undefined, 'denied unreadable', 'not_found'],
    ['/v3/grants/%E0%A4%A/messages', undefined, 'denied unreadable', 'not_found'],
    ['/v3/grants/x/messages', { grant: '' }, 'denied unreadable', 'not_found'],
    ['/v3/grants', undefined, 'none', 'none'],
  ];
  const show = (d: ReturnType<typeof decideNaming>): string =>
    d.kind === 'denied' ? `denied ${d.reason}` : d.kind === 'lookup' ? `lookup ${d.ref.kind} ${d.ref.kind === 'id' ? d.ref.id : d.ref.email}` : d.kind;
  for (const [url, params, byToken, byKey] of rows) {
    it(`${url} ${params ? JSON.stringify(params) : ''}: access token → ${byToken}, API key → ${byKey}`, () => {
      const naming = grantsNamed(url, params, names);
      assert.equal(naming === undefined ? 'none' : show(decideNaming(naming, access)), byToken);
      assert.equal(naming === undefined ? 'none' : show(decideNaming(naming, key)), byKey);
    });
  }
});

describe('where the caller token may travel', () => {
  const rows: ReadonlyArray<[string, Parameters<typeof misplacedCredential>[0], number | undefined]> = [
    ['header only', { authorization: 'Bearer t', query: 'a=1', body: { a: 1 } }, undefined],
    ['query only (not read; the guard answers 401)', { authorization: undefined, query: 'access_token=t', body: undefined }, undefined],
    ['header and query', { authorization: 'Bearer t', query: 'access_token=t', body: undefined }, 400],
    ['header and an encoded query name', { authorization: 'Bearer t', query: 'access%5Ftoken=t', body: undefined }, 400],
    ['header and body', { authorization: 'Bearer t', query: '', body: { access_token: 't' } }, 400],
    ['header and a body that merely mentions it', { authorization: 'Bearer t', query: '', body: { note: 'access_token' } }, undefined],
    ['two Authorization headers', { authorization: 'Bearer t', rawHeaders: ['Authorization', 'Bearer t', 'authorization', 'Bearer u'], query: '', body: undefined }, 400],
    ['one Authorization header among others', { authorization: 'Bearer t', rawHeaders: ['Host', 'x', 'Authorization', 'Bearer t'], query: '', body: undefined }, undefined],
  ];
  for (const [name, places, status] of rows) {
    it(`${name} → ${status ?? 'fine'}`, () => {
      const err = misplacedCredential(places, 'grantkit');
      assert.equal(err?.status, status);
      if (err) assert.equal(err.headers['www-authenticate'], 'Bearer realm="grantkit", error="invalid_request"');
    });
  }
});
