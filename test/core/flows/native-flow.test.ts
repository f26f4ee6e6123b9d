import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { NATIVE_CODE_TTL_MS, sandboxProvider } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit, nativeCode, nativeToken, redeem } from '../../support/helpers.js';

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('v2 native authentication (seed 004)', () => {
  it('runs authorize → token → /account end to end', async () => {
    const { kit, clock } = makeKit();
    const app = makeApp(kit);
    const auth = await request(app)
      .post('/connect/authorize')
      .send({
        client_id: CLIENT_ID,
        name: 'Ada Lovelace',
        email_address: 'ada@example.com',
        provider: 'sandbox',
        settings: { password: 'sandbox' },
        scopes: 'email.read_only,calendar.read_only,contacts.read_only',
      });
    assert.equal(auth.status, 200);
    assert.match(auth.body.code, /^gk_code_[A-Za-z0-9_-]{43}$/);
    assert.equal(auth.headers['cache-control'], 'no-store');
    assert.deepEqual(Object.keys(auth.body), ['code']);

    const tok = await redeem(app, auth.body.code);
    assert.equal(tok.status, 200);
    assert.equal(tok.headers['cache-control'], 'no-store');
    assert.match(tok.body.access_token, /^gk_at_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(
      { ...tok.body, access_token: 'T', id: 'I', account_id: 'I' },
      {
        access_token: 'T',
        id: 'I',
        account_id: 'I',
        object: 'account',
        name: 'Ada Lovelace',
        email_address: 'ada@example.com',
        provider: 'sandbox',
        organization_unit: 'folder',
        sync_state: 'running',
        linked_at: Math.floor(clock.now / 1000),
        billing_state: 'paid',
      },
    );
    assert.equal(tok.body.id, tok.body.account_id);

    const acct = await request(app).get('/account').set('authorization', `Bearer ${tok.body.access_token}`);
    assert.equal(acct.status, 200);
    assert.equal(acct.body.id, tok.body.id);
    assert.equal(acct.body.email_address, 'ada@example.com');
    assert.equal(acct.body.access_token, undefined);
    assert.equal(acct.headers['cache-control'], undefined);
  });

  it('a reused code is a 400 and kills the token the first redemption issued', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const code = await nativeCode(app);
    const first = await redeem(app, code);
    assert.equal(first.status, 200);
    const second = await redeem(app, code);
    assert.equal(second.status, 400);
    assert.deepEqual(second.body, { message: 'The code has already been used.', type: 'invalid_request_error' });
    const after = await request(app).get('/account').set('authorization', `Bearer ${first.body.access_token}`);
    assert.equal(after.status, 401);
  });

  it('a code expires exactly 15 minutes after issue, on the injected clock', async () => {
    const { kit, clock } = makeKit();
    const app = makeApp(kit);
    assert.equal(NATIVE_CODE_TTL_MS, 15 * 60 * 1000);
    const early = await nativeCode(app, { email: 'early@example.com' });
    const late = await nativeCode(app, { email: 'late@example.com' });
    clock.advance(NATIVE_CODE_TTL_MS - 1);
    assert.equal((await redeem(app, early)).status, 200);
    clock.advance(1);
    const res = await redeem(app, late);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { message: 'The code is invalid or has expired.', type: 'invalid_request_error' });
  });

  it('a foreign, unknown or malformed code is a 400', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const code = await nativeCode(app);
    const foreign = await request(app)
      .post('/connect/token')
      .send({ client_id: 'other-client', client_secret: 'other-client-secret', code });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.message, 'The code was not issued to this client.');
    assert.equal((await redeem(app, 'gk_code_nope')).status, 400);
    const missing = await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.deepEqual(missing.body, { message: '"code" is required.', type: 'invalid_request_error' });
  });

  it('re-authentication keeps the grant id and takes the new scopes; old tokens keep the scopes they were issued with', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const first = await nativeToken(app, { scopes: 'email.read_only' });
    assert.equal((await request(app).put('/messages/1').set('authorization', `Bearer ${first.token}`)).status, 403);
    const second = await nativeToken(app, { scopes: 'email.modify', email: 'ADA@example.com' });
    assert.equal(second.accountId, first.accountId);
    // A token keeps the scopes it was issued with (within the grant's): widening the grant does not widen it.
    assert.equal((await request(app).put('/messages/1').set('authorization', `Bearer ${first.token}`)).status, 403);
    assert.equal((await request(app).put('/messages/1').set('authorization', `Bearer ${second.token}`)).status, 200);
  });

  it('20 concurrent redemptions of one code give exactly one success', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const server = app.listen(0);
    try {
      const code = await nativeCode(app);
      const results = await Promise.all(Array.from({ length: 20 }, () => redeem(server as never, code)));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, ...Array<number>(19).fill(400)]);
    } finally {
      server.close();
    }
  });

  it('takes the client secret in the body, as Basic `secret:`, or as Basic `id:secret`', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    for (const send of [
      (code: string) => request(app).post('/connect/token').send({ client_id: CLIENT_ID, code }).set('authorization', basic(`${CLIENT_SECRET}:`)),
      (code: string) => request(app).post('/connect/token').send({ client_id: CLIENT_ID, code }).set('authorization', basic(`${CLIENT_ID}:${CLIENT_SECRET}`)),
      (code: string) => request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code }),
    ]) {
      assert.equal((await send(await nativeCode(app))).status, 200);
    }
  });

  it('refuses a missing or wrong secret at /connect/token and a wrong one at /connect/authorize', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const code = await nativeCode(app);
    const none = await request(app).post('/connect/token').send({ client_id: CLIENT_ID, code });
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { message: 'Client authentication failed.', type: 'api_error' });
    const wrong = await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: 'nope', code });
    assert.equal(wrong.status, 401);
    // The code survived the failed client authentications.
    assert.equal((await redeem(app, code)).status, 200);
    const auth = await request(app)
      .post('/connect/authorize')
      .set('authorization', basic('wrong-secret:'))
      .send({ client_id: CLIENT_ID, email_address: 'a@example.com', provider: 'sandbox', settings: { password: 'sandbox' } });
    assert.equal(auth.status, 401);
    const unknown = await request(app)
      .post('/connect/authorize')
      .send({ client_id: 'who', email_address: 'a@example.com', provider: 'sandbox', settings: { password: 'sandbox' } });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.message, 'Unknown "client_id".');
  });

  it('wrong provider credentials → 401, and nothing is stored', async () => {
    const { kit, store } = makeKit();
    const app = makeApp(kit);
    const res = await request(app)
      .post('/connect/authorize')
      .send({ client_id: CLIENT_ID, email_address: 'a@example.com', provider: 'sandbox', settings: { password: 'wrong' } });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { message: 'The provider did not accept these credentials.', type: 'api_error' });
    assert.deepEqual(store.dump(), { grants: [], tokens: [] });
  });

  it('reads JSON sent as text/plain (the v6 SDK) and as a form, and form bodies too', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const body = JSON.stringify({ client_id: CLIENT_ID, email_address: 'a@example.com', provider: 'sandbox', settings: { password: 'sandbox' } });
    const asText = await request(app).post('/connect/authorize').set('content-type', 'text/plain;charset=UTF-8').send(body);
    assert.equal(asText.status, 200);
    const asFormType = await request(app).post('/connect/authorize').set('content-type', 'application/x-www-form-urlencoded').send(body);
    assert.equal(asFormType.status, 200);
    const form = await request(app)
      .post('/connect/token')
      .type('form')
      .send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: asText.body.code });
    assert.equal(form.status, 200);
  });

  it('answers bad bodies with a 400 naming the field, and 413 for an oversize body', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const cases: Array<[unknown, string]> = [
      ['{not json', 'Request body is not valid JSON.'],
      ['[1,2]', 'Request body must be a JSON object.'],
      [{ client_id: CLIENT_ID, provider: 'sandbox' }, '"email_address" is required.'],
      [{ client_id: CLIENT_ID, email_address: 'nope', provider: 'sandbox' }, '"email_address" is invalid: must be an email address.'],
      [{ client_id: CLIENT_ID, email_address: 'a@b.c', provider: 'outlook' }, 'Provider "outlook" is not enabled.'],
      [{ client_id: CLIENT_ID, email_address: 'a@b.c', provider: 'sandbox', scopes: '' }, '"scopes" is empty; name at least one scope.'],
      [{ client_id: CLIENT_ID, email_address: 'a@b.c', provider: 'sandbox', scopes: 'email.everything' }, 'Unknown scope "email.everything" in "scopes".'],
    ];
    for (const [body, message] of cases) {
      const req = request(app).post('/connect/authorize');
      const res = typeof body === 'string' ? await req.set('content-type', 'application/json').send(body) : await req.send(body as object);
      assert.equal(res.status, 400, message);
      assert.deepEqual(res.body, { message, type: 'invalid_request_error' });
    }
    const big = await request(app).post('/connect/authorize').set('content-type', 'text/plain').send('x'.repeat(200 * 1024));
    assert.equal(big.status, 413);
    assert.equal(big.body.type, 'invalid_request_error');
  });

  it('answers a known path with a wrong method with 405 in the v2 format', async () => {
    const { kit } = makeKit();
    const res = await request(makeApp(kit)).get('/connect/token');
    assert.equal(res.status, 405);
    assert.equal(res.headers['allow'], 'POST');
    assert.equal(res.body.type, 'invalid_request_error');
  });
});

describe('provider rules (seed 001)', () => {
  const kitWith = () =>
    makeKit({
      providers: [
        sandboxProvider(),
        sandboxProvider({ name: 'gmail', organizationUnit: 'label' }),
        sandboxProvider({ name: 'imap' }),
        sandboxProvider({ name: 'office365' }),
      ],
    });
  const authorize = (app: ReturnType<typeof makeApp>, provider: string, scopes: string) =>
    request(app)
      .post('/connect/authorize')
      .send({ client_id: CLIENT_ID, email_address: 'a@example.com', provider, settings: { password: 'sandbox' }, scopes });

  it('gmail: email.metadata cannot be combined with read_only, modify or email', async () => {
    const app = makeApp(kitWith().kit);
    for (const other of ['email.read_only', 'email.modify', 'email']) {
      const res = await authorize(app, 'gmail', `email.metadata,${other}`);
      assert.equal(res.status, 400, other);
      assert.match(res.body.message, /"email\.metadata" cannot be combined/);
    }
    assert.equal((await authorize(app, 'gmail', 'email.metadata,calendar')).status, 200);
  });

  it('IMAP family: calendar and contacts need an email scope', async () => {
    const app = makeApp(kitWith().kit);
    const res = await authorize(app, 'imap', 'calendar,contacts.read_only');
    assert.equal(res.status, 400);
    assert.match(res.body.message, /need an email scope/);
    assert.equal((await authorize(app, 'imap', 'calendar,email.read_only')).status, 200);
    // Google and Exchange accounts have real calendars: no such rule there.
    assert.equal((await authorize(app, 'gmail', 'calendar')).status, 200);
  });

  it('gmail: email.send alone is allowed, with a threading warning', async () => {
    const app = makeApp(kitWith().kit);
    const res = await authorize(app, 'gmail', 'email.send');
    assert.equal(res.status, 200);
    assert.equal(res.body.warnings.length, 1);
    assert.match(res.body.warnings[0], /threading/);
    assert.equal((await authorize(app, 'gmail', 'email.send,email.read_only')).body.warnings, undefined);
  });

  it('office365: room_resources.read_only carries an admin-consent warning', async () => {
    const app = makeApp(kitWith().kit);
    const res = await authorize(app, 'office365', 'room_resources.read_only');
    assert.equal(res.status, 200);
    assert.match(res.body.warnings[0], /admin consent/);
  });

  it('the account object says label for gmail', async () => {
    const app = makeApp(kitWith().kit);
    const code = (await authorize(app, 'gmail', 'email.read_only')).body.code;
    assert.equal((await redeem(app, code)).body.organization_unit, 'label');
  });
});

describe('v2 revoke and token-info', () => {
  it('POST /oauth/revoke answers 200 with an empty body, and the token stops working', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const { token } = await nativeToken(app);
    const res = await request(app).post('/oauth/revoke').set('authorization', basic(`${token}:`));
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal((await request(app).get('/account').set('authorization', `Bearer ${token}`)).status, 401);
    assert.equal((await request(app).post('/oauth/revoke').set('authorization', `Bearer ${token}`)).status, 401);
  });

  it('token-info reports scopes and state with the client secret as Basic', async () => {
    const { kit, clock } = makeKit();
    const app = makeApp(kit);
    const { token, accountId } = await nativeToken(app, { scopes: 'calendar,email.read_only' });
    const res = await request(app)
      .post(`/a/${CLIENT_ID}/accounts/${accountId}/token-info`)
      .set('authorization', basic(`${CLIENT_SECRET}:`))
      .set('content-type', 'text/plain')
      .send(JSON.stringify({ access_token: token }));
    assert.equal(res.status, 200);
    const t = Math.floor(clock.now / 1000);
    assert.deepEqual(res.body, { created_at: t, scopes: 'calendar,email.read_only', state: 'valid', updated_at: t });
    const wrongSecret = await request(app)
      .post(`/a/${CLIENT_ID}/accounts/${accountId}/token-info`)
      .set('authorization', basic('nope:'))
      .send({ access_token: token });
    assert.equal(wrongSecret.status, 401);
    const otherAccount = await request(app)
      .post(`/a/${CLIENT_ID}/accounts/someone-else/token-info`)
      .set('authorization', basic(`${CLIENT_SECRET}:`))
      .send({ access_token: token });
    assert.equal(otherAccount.status, 404);
  });
});
