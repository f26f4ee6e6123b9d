import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import express, { type RequestHandler } from 'express';
import { CredentialType } from 'nylas';
import Nylas6 from 'nylas6';
import { createExampleApp } from '../../../examples/express/app.js';
import { createGrantKit, sandboxProvider, type GrantKit } from '../../../src/index.js';
import { Nylas } from '../../support/v3-app.js';

/**
 * Each request schema the example's OpenAPI document gives accepts what the official SDKs send.
 * The v8 (v3 API) and v6 (v2 API) SDKs, unmodified, drive the example app through a recording
 * layer (express.raw, which grantkit reads as it reads the stream); every request is then found in
 * the document by method and path and its query and body validated with ajv against the
 * document's schemas. A call that fails (a made-up code) still shows what the SDK sends.
 */
const CLIENT_ID = 'openapi-client';
const CLIENT_SECRET = 'openapi-client-secret';
const API_KEY = 'openapi-test-api-key-0123456789';

interface Recorded {
  readonly method: string;
  readonly url: URL;
  readonly contentType: string;
  readonly body: Buffer | undefined;
}

interface Parameter { name: string; in: string; required: boolean; schema: object }
interface Operation { parameters?: Parameter[]; requestBody?: { required: boolean; content: Record<string, { schema: object }> } }
type Doc = { paths: Record<string, Record<string, Operation>> };

/** The document's operation for a request: its path template matched segment by segment, literals first. */
function operationFor(doc: Doc, method: string, path: string): { template: string; op: Operation } | undefined {
  const parts = path.split('/');
  const candidates = Object.keys(doc.paths).filter((t) => {
    const segs = t.split('/');
    return segs.length === parts.length && segs.every((s, i) => (s.startsWith('{') ? parts[i] !== '' : s === parts[i]));
  });
  candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  const template = candidates.find((t) => doc.paths[t]![method.toLowerCase()] !== undefined);
  return template === undefined ? undefined : { template, op: doc.paths[template]![method.toLowerCase()]! };
}

/** A body as the route reads it: JSON when it looks like JSON (the v6 SDK sends JSON as text/plain), else a form. */
function bodyValue(r: Recorded): { mediaType: string; value: unknown } {
  const text = r.body!.toString('utf8');
  if (/^\s*[[{]/.test(text)) return { mediaType: 'application/json', value: JSON.parse(text) };
  return { mediaType: 'application/x-www-form-urlencoded', value: Object.fromEntries(new URLSearchParams(text)) };
}

describe('the OpenAPI request schemas accept what the official SDKs send', () => {
  const recorded: Recorded[] = [];
  let kit: GrantKit;
  let server: Server;
  let url: string;

  before(async () => {
    kit = createGrantKit({
      clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
      secretKeys: ['openapi-tests-secret-key-of-32-characters'],
      // The v6 SDK sends providers of its own list only: the sandbox answers as `gmail` too.
      providers: [sandboxProvider(), sandboxProvider({ name: 'gmail', organizationUnit: 'label' })],
      requireHttps: false,
    });
    await kit.apiKeys.import(API_KEY, { label: 'tests' });
    const record: RequestHandler = (req, _res, next) => {
      const body: unknown = req.body;
      recorded.push({
        method: req.method,
        url: new URL(req.originalUrl, 'http://x'),
        contentType: String(req.headers['content-type'] ?? ''),
        body: Buffer.isBuffer(body) && body.length > 0 ? body : undefined,
      });
      next();
    };
    const outer = express();
    outer.use(express.raw({ type: () => true, limit: '1mb' }), record, createExampleApp(kit, CLIENT_ID));
    server = await new Promise<Server>((resolve) => {
      const s = outer.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await driveV6(url);
    await driveV8(url);
  });
  after(async () => {
    server.close();
    await kit.close();
  });

  it('every request the SDKs sent is a documented operation whose schemas accept it', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as Doc;
    const ajv = addFormats.default(new Ajv2020({ strict: true, allErrors: true, coerceTypes: false }));
    const queryAjv = addFormats.default(new Ajv2020({ strict: true, allErrors: true, coerceTypes: true }));
    const problems: string[] = [];
    for (const r of recorded.filter((x) => x.url.pathname !== '/openapi.json')) {
      const where = `${r.method} ${r.url.pathname}${r.url.search}`;
      const found = operationFor(doc, r.method, r.url.pathname);
      if (found === undefined) {
        problems.push(`${where}: no such operation`);
        continue;
      }
      for (const p of found.op.parameters?.filter((x) => x.in === 'query') ?? []) {
        const value = r.url.searchParams.get(p.name);
        if (value === null) {
          if (p.required) problems.push(`${where}: query "${p.name}" missing`);
        } else if (!queryAjv.validate(p.schema, value)) problems.push(`${where}: query "${p.name}": ${queryAjv.errorsText()}`);
      }
      if (found.op.requestBody === undefined) continue;
      if (r.body === undefined) {
        if (found.op.requestBody.required) problems.push(`${where}: no body`);
        continue;
      }
      const { mediaType, value } = bodyValue(r);
      const media = found.op.requestBody.content[mediaType];
      if (media === undefined) problems.push(`${where}: a ${mediaType} body is not documented`);
      else if (!ajv.validate(media.schema, value)) problems.push(`${where}: body: ${ajv.errorsText()}`);
    }
    assert.ok(recorded.length >= 30, `only ${recorded.length} requests recorded`);
    assert.deepEqual(problems, []);
  });

  it('the SDKs sent a body or query to each operation that takes one', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as Doc;
    const exercised = new Set(
      recorded
        .filter((r) => r.body !== undefined || r.url.search !== '')
        .map((r) => `${r.method} ${operationFor(doc, r.method, r.url.pathname)?.template ?? r.url.pathname}`),
    );
    const expected = [
      'POST /connect/authorize',
      'POST /connect/token',
      'GET /oauth/token',
      'GET /a/{client_id}/accounts',
      'POST /a/{client_id}/accounts/{account_id}/token-info',
      'POST /v3/connect/custom',
      'POST /v3/connect/token',
      'GET /v3/connect/tokeninfo',
      'POST /v3/connect/revoke',
      'GET /v3/grants',
      'PATCH /v3/grants/{grant_id}',
      'POST /v3/providers/detect',
      'POST /v3/connectors',
      'PUT /v3/connectors/{provider}',
      'POST /v3/connectors/{provider}/creds',
      'PATCH /v3/connectors/{provider}/creds/{id}',
    ];
    assert.deepEqual(expected.filter((op) => !exercised.has(op)), []);
  });
});

/** A call whose failure is expected (a made-up code or token): only the request it sends matters. */
async function settle(p: Promise<unknown>): Promise<void> {
  await p.catch(() => undefined);
}

/** The v2 SDK: native sign-in, the account, management, the token exchange and revoke. */
async function driveV6(url: string): Promise<void> {
  Nylas6.config({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiServer: url });
  const { code } = await Nylas6.connect.authorize({
    name: 'Ada Lovelace',
    emailAddress: 'ada@example.com',
    provider: 'gmail' as never,
    settings: { google_client_id: 'x', google_client_secret: 'y', google_refresh_token: 'z', password: 'sandbox' },
    scopes: ['email.read_only', 'calendar'] as never,
  });
  const account = await Nylas6.connect.token(code);
  await Nylas6.with(account.accessToken!).account.get();
  await settle(Nylas6.exchangeCodeForToken('gk_code_unknown'));
  // With the client secret configured, accounts are the management API's (/a/{client_id}/accounts).
  const [first] = await Nylas6.accounts.list();
  assert.ok(first !== undefined && 'tokenInfo' in first);
  await first.tokenInfo(account.accessToken!);
  await Nylas6.revoke(account.accessToken!);
}

/** The v3 SDK: custom authentication, grants, detection, token info and revoke, connectors and credentials. */
async function driveV8(url: string): Promise<void> {
  const nylas = new Nylas({ apiKey: API_KEY, apiUri: url, timeout: 10 });
  const grant = await nylas.auth.customAuthentication({ requestBody: { provider: 'sandbox' as never, settings: { email: 'grace@example.com', password: 'sandbox' } } });
  await nylas.grants.list({ queryParams: { limit: 5, offset: 0, sortBy: 'created_at', orderBy: 'asc', email: 'grace@example.com' } });
  await nylas.grants.find({ grantId: grant.data.id });
  await nylas.grants.update({ grantId: grant.data.id, requestBody: { scope: grant.data.scope } });
  await nylas.auth.detectProvider({ email: 'someone@gmail.com', allProviderTypes: true });
  const v2 = await Nylas6.connect.token((await Nylas6.connect.authorize({ name: 'Eve', emailAddress: 'eve@example.com', provider: 'gmail' as never, settings: { password: 'sandbox' }, scopes: ['calendar'] as never })).code);
  await nylas.auth.accessTokenInfo(v2.accessToken!);
  await settle(nylas.auth.exchangeCodeForToken({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: 'http://127.0.0.1/cb', code: 'gk_code_unknown', codeVerifier: 'v'.repeat(43) }));
  await settle(nylas.auth.refreshAccessToken({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: 'http://127.0.0.1/cb', refreshToken: 'gk_rt_unknown' }));
  await nylas.auth.revoke(v2.accessToken!);
  await nylas.connectors.create({
    requestBody: { name: 'MS', provider: 'microsoft', settings: { clientId: 'ms-cid', clientSecret: 'ms-secret', tenant: 'contoso' }, scope: ['Mail.Read'] },
  });
  await nylas.connectors.update({ provider: 'microsoft', requestBody: { name: 'MS 2', scope: ['Mail.Read', 'User.Read'] } });
  await nylas.connectors.list({ queryParams: { limit: 5 } });
  await nylas.connectors.find({ provider: 'microsoft' });
  const credential = await nylas.connectors.credentials.create({
    provider: 'microsoft',
    requestBody: { name: 'consent', credentialType: CredentialType.ADMINCONSENT, credentialData: { clientId: 'ms-cid', clientSecret: 'ms-secret' } },
  });
  await nylas.connectors.credentials.update({ provider: 'microsoft', credentialsId: credential.data.id, requestBody: { name: 'consent 2' } });
  await nylas.connectors.credentials.list({ provider: 'microsoft' });
  await nylas.connectors.credentials.find({ provider: 'microsoft', credentialsId: credential.data.id });
  await nylas.connectors.credentials.destroy({ provider: 'microsoft', credentialsId: credential.data.id });
  await nylas.connectors.destroy({ provider: 'microsoft' });
  await nylas.grants.destroy({ grantId: grant.data.id });
}
