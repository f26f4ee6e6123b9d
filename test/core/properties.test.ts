import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import request from 'supertest';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit, nativeCode } from '../support/helpers.js';

/** Fixed seed and bounded runs: the same cases on every CI run. */
const RUNS = { seed: 20261123, numRuns: 120 };

const scopeish = fc.oneof(
  fc.constantFrom('email', 'email.read_only', 'calendar', 'email.metadata', 'contacts', '', ' , ', 'email.nope'),
  fc.string({ maxLength: 40 }),
);
const scopesValue = fc.oneof(
  fc.constant(undefined),
  scopeish,
  fc.array(scopeish, { maxLength: 4 }),
  fc.integer(),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })),
);
const stringish = fc.oneof(fc.string({ maxLength: 60 }), fc.constant(undefined), fc.integer(), fc.constant(null), fc.constant(CLIENT_ID));
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant(`Basic ${Buffer.from(`${CLIENT_SECRET}:`).toString('base64')}`),
  fc.constant(`Basic ${Buffer.from('x:y').toString('base64')}`),
  fc.string({ maxLength: 80 }).map((s) => s.replace(/[\r\n]/g, '')),
  fc.string({ maxLength: 60 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
  fc.stringMatching(/^[A-Za-z0-9+/=]{0,40}$/).map((s) => `Bearer ${s}`),
);
const contentType = fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'application/octet-stream');

/** Every non-2xx answer is the documented v2 error: exactly `message` and `type`, both strings. */
function assertDocumentedError(res: request.Response): void {
  assert.ok(res.status < 500, `5xx: ${res.status} ${res.text}`);
  if (res.status >= 400) {
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(Object.keys(res.body).sort(), ['message', 'type']);
    assert.equal(typeof res.body.message, 'string');
    assert.ok(['api_error', 'invalid_request_error'].includes(res.body.type));
  }
}

describe('fast-check properties over the native routes', () => {
  it('POST /connect/authorize: never a 5xx, always the documented error shape', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          client_id: stringish,
          email_address: fc.oneof(stringish, fc.emailAddress()),
          provider: fc.oneof(fc.constantFrom('sandbox', 'gmail', 'imap'), stringish),
          settings: fc.oneof(fc.constant({ password: 'sandbox' }), fc.jsonValue()),
          scopes: scopesValue,
          name: stringish,
        }),
        authorization,
        contentType,
        async (body, auth, type) => {
          let req = request(app).post('/connect/authorize').set('content-type', type);
          if (auth !== undefined) req = req.set('authorization', auth);
          const res = await req.send(JSON.stringify(body));
          assertDocumentedError(res);
          if (res.status === 200) assert.match(res.body.code, /^gk_code_/);
        },
      ),
      RUNS,
    );
  });

  it('POST /connect/token: never a 5xx, always the documented error shape, and no code is spent by a malformed request', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    const code = await nativeCode(app);
    await fc.assert(
      fc.asyncProperty(
        fc.record({ client_id: stringish, client_secret: stringish, code: fc.oneof(stringish, fc.constant(undefined)) }),
        authorization,
        contentType,
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 100 })),
        async (body, auth, type, raw) => {
          let req = request(app).post('/connect/token').set('content-type', type);
          if (auth !== undefined) req = req.set('authorization', auth);
          const res = await req.send(raw ?? JSON.stringify(body));
          assertDocumentedError(res);
          assert.notEqual(res.status, 200);
        },
      ),
      RUNS,
    );
    // None of those requests carried the real code, so it is still good.
    const ok = await request(app).post('/connect/token').send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code });
    assert.equal(ok.status, 200);
  });

  it('guards: any Authorization header gives 200, 401 or 403 with the documented shape', async () => {
    const { kit } = makeKit();
    const app = makeApp(kit);
    await fc.assert(
      fc.asyncProperty(authorization, fc.constantFrom('/messages', '/both', '/open', '/account'), async (auth, path) => {
        let req = request(app).get(path);
        if (auth !== undefined) req = req.set('authorization', auth);
        const res = await req;
        assert.ok([200, 401, 403].includes(res.status), `${res.status}`);
        assertDocumentedError(res);
        if (res.status === 401) assert.match(String(res.headers['www-authenticate']), /^Bearer realm="grantkit"/);
      }),
      RUNS,
    );
  });
});
