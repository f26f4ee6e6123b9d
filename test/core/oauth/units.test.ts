import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { v2ScopeGraph } from '../../../src/index.js';
import { callbackAllowed, isAllowedCallbackScheme } from '../../../src/oauth/callback-uri.js';
import { consented, planV2, planV3 } from '../../../src/oauth/consent.js';
import { IdTokenSigner } from '../../../src/oauth/id-token.js';
import { challengeOf, checkChallenge, verifierMatches } from '../../../src/oauth/pkce.js';
import type { ConnectorRecord } from '../../../src/connectors/connector-records.js';
import { GrantKitError } from '../../../src/errors/error.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';
import { s256Pair, sdkPair } from '../../support/pkce-helpers.js';

const G = 'https://www.googleapis.com/auth/';

describe('one scope graph for v2 and v3', () => {
  const sat = (granted: string, scope: string): boolean => v2ScopeGraph.satisfies([granted], scope);
  it('Google and Graph scopes satisfy the Nylas scopes they correspond to', () => {
    assert.ok(sat(`${G}gmail.readonly`, 'email.read_only'));
    assert.ok(sat(`${G}gmail.readonly`, 'email.metadata'));
    assert.ok(!sat(`${G}gmail.readonly`, 'email.modify'));
    assert.ok(sat(`${G}gmail.modify`, 'email.modify'));
    assert.ok(sat('https://mail.google.com/', 'email'));
    assert.ok(sat('Mail.ReadWrite', 'email.modify'));
    assert.ok(sat('Mail.ReadWrite', 'Mail.Read'));
    assert.ok(!sat('Mail.Read', 'email.modify'));
    assert.ok(sat('Calendars.Read', 'calendar.read_only'));
    assert.ok(!sat('Calendars.Read', 'calendar'));
    assert.ok(sat('https://graph.microsoft.com/Mail.Send', 'email.send'));
    assert.ok(sat('Contacts.ReadWrite', 'contacts.read_only'));
  });
  it('v2 requests still name the closed vocabulary only', () => {
    assert.ok(v2ScopeGraph.has('email.read_only'));
    assert.ok(!v2ScopeGraph.has('Mail.Read'));
    assert.ok(v2ScopeGraph.knows('Mail.Read'));
  });
});

describe('consent: requested ∩ granted', () => {
  const connector = (allowed: string[] | null, defaults: string[] = []): ConnectorRecord => ({
    id: 'c',
    provider: 'microsoft',
    name: 'm',
    clientId: 'x',
    clientSecret: null,
    settings: {},
    defaultScopes: defaults,
    allowedScopes: allowed,
    endpoints: null,
    owner: null,
    clients: null,
    activeCredentialId: null,
    createdAt: 0,
    updatedAt: 0,
  });
  it('keeps granted scopes, drops ungranted identity scopes, compares Graph scopes short', () => {
    const plan = planV3(connector(null), ['Mail.Read', 'offline_access']);
    assert.deepEqual(consented(plan, 'microsoft', 'https://graph.microsoft.com/Mail.Read openid'), ['Mail.Read']);
    assert.deepEqual(consented(plan, 'microsoft', undefined), ['Mail.Read', 'offline_access']);
  });
  it('granted less than required is grant.scopes_conflict', () => {
    const plan = planV3(connector(null), ['Mail.Read', 'Mail.Send']);
    assert.throws(() => consented(plan, 'microsoft', 'Mail.Read'), (e: GrantKitError) => e.v3Type === 'grant.scopes_conflict' && e.status === 400);
  });
  it('request scopes win over defaults; literal match against the allowed list', () => {
    assert.deepEqual(planV3(connector(null, ['Mail.Read']), undefined).requested, ['Mail.Read']);
    assert.deepEqual(planV3(connector(null, ['Mail.Read']), ['Calendars.Read']).requested, ['Calendars.Read']);
    assert.throws(() => planV3(connector(null, []), undefined), /No scopes/);
    assert.throws(() => planV3(connector(['https://graph.microsoft.com/Mail.Read']), ['Mail.Read']), /not allowed/);
    assert.throws(() => planV3(connector(null), ['EAS.AccessAsUser.All']), /Exchange/);
  });
  it("an OpenID client's identity scopes need no allowed list; Google is not sent offline_access", () => {
    const asked = ['openid', 'email', 'profile', 'offline_access', 'Mail.Read'];
    assert.deepEqual(planV3(connector(['Mail.Read']), asked).requested, asked);
    assert.throws(() => planV3(connector(['Mail.Read']), [...asked, 'Mail.Send']), /"Mail.Send" is not allowed/);
    assert.ok(planV3(connector(null), asked).upstream.includes('offline_access'), 'Microsoft has the scope');
    const google = { ...connector(['https://www.googleapis.com/auth/gmail.readonly']), provider: 'google' };
    const plan = planV3(google, ['openid', 'offline_access', 'https://www.googleapis.com/auth/gmail.readonly']);
    assert.equal(plan.upstream.includes('offline_access'), false);
    assert.ok(plan.upstream.includes('openid'));
    assert.deepEqual(consented(plan, 'google', 'openid https://www.googleapis.com/auth/gmail.readonly'), ['openid', 'https://www.googleapis.com/auth/gmail.readonly']);
  });
  it('v2 on Microsoft: email.metadata asks for Mail.Read and keeps email.metadata', () => {
    const plan = planV2('microsoft', ['email.metadata']);
    assert.ok(plan.upstream.includes('Mail.Read'));
    assert.deepEqual(consented(plan, 'microsoft', 'Mail.Read User.Read'), ['email.metadata']);
  });
});

describe('PKCE rules', () => {
  it('S256: base64url SHA-256, verifier 43..128 unreserved', () => {
    const { verifier, challenge } = s256Pair(43);
    assert.ok(verifierMatches(verifier, challenge, 'S256'));
    assert.ok(!verifierMatches(`${verifier}x`, challenge, 'S256'));
    assert.equal(challengeOf('a'.repeat(42), 'S256'), undefined);
    assert.equal(challengeOf('a'.repeat(129), 'S256'), undefined);
    assert.equal(challengeOf(`${'a'.repeat(42)} `, 'S256'), undefined);
    assert.equal(challengeOf(`${'a'.repeat(42)}+`, 'S256'), undefined);
  });
  it('s256: the SDK formula, UUID verifiers, padded or not', () => {
    const v = randomUUID();
    assert.ok(verifierMatches(v, sdkPair(v), 's256'));
    assert.ok(verifierMatches(v, `${sdkPair(v)}==`, 's256'));
    assert.ok(!verifierMatches(v, sdkPair(randomUUID()), 's256'));
    assert.equal(checkChallenge(sdkPair(v), 's256', { allowPlain: false }), 's256');
  });
  it('plain only when enabled; a missing method means plain', () => {
    assert.throws(() => checkChallenge('a'.repeat(43), undefined, { allowPlain: false }), /plain/);
    assert.equal(checkChallenge('a'.repeat(43), 'plain', { allowPlain: true }), 'plain');
    assert.throws(() => checkChallenge('short', 'S256', { allowPlain: false }));
  });
  it('never throws on any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.constantFrom('S256', 's256', 'plain' as const), (v, c, m) => {
        assert.equal(typeof verifierMatches(v, c, m), 'boolean');
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('id_token signer', () => {
  it('verifies its own tokens with the issuer and clock, and nothing else', async () => {
    const signer = new IdTokenSigner(undefined);
    const now = Date.UTC(2026, 0, 1);
    const t = await signer.sign({ issuer: 'iss', audience: 'a', subject: 'g', email: 'e@x', issuedAt: now / 1000, expiresAt: now / 1000 + 60 });
    assert.equal((await signer.verify(t, 'iss', now))?.sub, 'g');
    assert.equal(await signer.verify(t, 'other', now), undefined);
    assert.equal(await signer.verify(t, 'iss', now + 120_000), undefined);
    assert.equal(await signer.verify(`${t}x`, 'iss', now), undefined);
    assert.equal(await new IdTokenSigner(undefined).verify(t, 'iss', now), undefined);
  });

  it('signs with a configured PKCS#8 key and publishes only its public part', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signer = new IdTokenSigner({ privateKeyPem: pem, alg: 'ES256', kid: 'k1' });
    const { keys } = await signer.jwks();
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.kid, 'k1');
    assert.equal(keys[0]!.d, undefined);
    const now = Date.now();
    const t = await signer.sign({ issuer: 'i', audience: 'a', subject: 's', email: 'e@x', issuedAt: Math.floor(now / 1000), expiresAt: Math.floor(now / 1000) + 60 });
    assert.equal((await signer.verify(t, 'i', now))?.['email'], 'e@x');
  });
});

describe('callback URIs', () => {
  const client = { id: 'c', secretHash: null, callbackUris: ['https://app.example/cb', 'http://localhost:3000/cb'] };
  it('https, or http on localhost and 127.0.0.1 only', () => {
    assert.ok(isAllowedCallbackScheme('https://app.example/cb'));
    assert.ok(isAllowedCallbackScheme('http://127.0.0.1:8080/cb'));
    assert.ok(!isAllowedCallbackScheme('http://app.example/cb'));
    assert.ok(!isAllowedCallbackScheme('https://app.example/cb#frag'));
    assert.ok(!isAllowedCallbackScheme('javascript:alert(1)'));
  });
  it('any one-character change of a registered URI is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...client.callbackUris), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), fc.boolean(), (uri, at, ch, insert) => {
        const i = at % (uri.length + 1);
        const mutated = insert ? uri.slice(0, i) + ch + uri.slice(i) : uri.slice(0, i) + uri.slice(i + 1);
        if (mutated !== uri && !client.callbackUris.includes(mutated)) assert.ok(!callbackAllowed(client, mutated), mutated);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});

describe('concurrency on the memory store', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const token = (body: Record<string, string>): Promise<Response> =>
    fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: APP_CALLBACK, ...body }),
    });

  async function freshCode(): Promise<string> {
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, provider: 'google', access_type: 'offline' });
    return String(paramsOf((await h.browser.run(`${h.base}/v3/connect/auth?${q}`)).url).get('code'));
  }

  it('N parallel redemptions of one code: exactly one succeeds', async () => {
    const code = await freshCode();
    const results = await Promise.all(Array.from({ length: 10 }, () => token({ grant_type: 'authorization_code', code })));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
  });

  it('N parallel refreshes of one refresh token: exactly one succeeds', async () => {
    const first = await token({ grant_type: 'authorization_code', code: await freshCode() });
    const rt = String(((await first.json()) as Record<string, unknown>)['refresh_token']);
    const refreshes = await Promise.all(Array.from({ length: 10 }, () => token({ grant_type: 'refresh_token', refresh_token: rt })));
    assert.equal(refreshes.filter((r) => r.status === 200).length, 1);
  });

  it('bad input never gets a 500: fuzzed token bodies and authorization queries', async () => {
    const fields = ['grant_type', 'client_id', 'client_secret', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope'];
    const value = fc.oneof(fc.string(), fc.string().map((x) => `SECRET-${x}`), fc.constantFrom('authorization_code', 'refresh_token', APP_ID, APP_SECRET, APP_CALLBACK, 'gk_rt_x', 'gk_code_x'), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...fields), value), async (body) => {
        const res = await fetch(`${h.base}/v3/connect/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.ok([200, 400, 401].includes(res.status), `${res.status} for ${JSON.stringify(body)}`);
        const text = await res.text();
        for (const v of Object.values(body)) if (typeof v === 'string' && v.startsWith('SECRET-')) assert.ok(!text.includes(v), 'a presented value was echoed');
      }),
      { seed: 11, numRuns: 150 },
    );
    const params = ['client_id', 'redirect_uri', 'response_type', 'provider', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'access_type', 'login_hint'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...params), fc.oneof(fc.string(), fc.constantFrom(APP_ID, APP_CALLBACK, 'google', 'microsoft', 'S256', 's256', 'code'))), { maxLength: 8 }), async (pairs) => {
        const q = new URLSearchParams(pairs);
        const res = await fetch(`${h.base}/v3/connect/auth?${q}`, { redirect: 'manual' });
        assert.ok([200, 302, 400].includes(res.status), `${res.status} for ${q}`);
        await res.arrayBuffer();
      }),
      { seed: 12, numRuns: 150 },
    );
  });
});
