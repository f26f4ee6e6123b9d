import assert from 'node:assert/strict';
import { once } from 'node:events';
import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { requestBody } from '../../../src/http/body.js';
import { GrantKitError } from '../../../src/errors/error.js';

/**
 * requestBody on what a host app's body parser can leave, for the cases the contract suite's
 * parsers (test/contract/body-parsers.test.ts) do not reach: chunked bodies, the shapes of a
 * parser's arrays, and a JSON text a form parser split.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A request whose body nobody has read yet. */
function unreadRequest(headers: IncomingHttpHeaders, body = ''): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  if (body !== '') req.push(body);
  req.push(null);
  return req;
}

/** A request whose body a parser has read to the end. */
async function readRequest(headers: IncomingHttpHeaders, body = ''): Promise<IncomingMessage> {
  const req = unreadRequest(headers, body);
  req.resume();
  await once(req, 'end');
  return req;
}

async function refusal(run: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await run;
  } catch (e) {
    assert.ok(e instanceof GrantKitError, String(e));
    return { status: e.status, message: e.message };
  }
  return assert.fail('the body was not refused');
}

describe('requestBody: what the parser left, and when the stream counts', () => {
  it('reads the stream when the parser left an empty object and did not read the body', async () => {
    const stream = unreadRequest({ 'content-type': 'text/plain' }, '{"client_id":"a"}');
    assert.deepEqual({ ...(await requestBody({ body: {}, stream })) }, { client_id: 'a' });
  });

  it("keeps a JSON parser's arrays and objects on a request not sent as a form", async () => {
    const body = { scope: ['a', 'b'], settings: { password: 'p' } };
    const stream = await readRequest({ 'content-type': 'application/json' });
    assert.deepEqual(await requestBody({ body, stream }), body);
  });

  it('refuses text over the limit that came without a Content-Length (chunked)', async () => {
    const stream = await readRequest({ 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    const got = await refusal(requestBody({ body: `{"pad":"${'x'.repeat(100 * 1024)}"}`, stream }));
    assert.deepEqual(got, { status: 413, message: 'Request body is too large.' });
  });

  it('refuses an object whose declared length is over the limit', async () => {
    const stream = await readRequest({ 'content-type': 'application/json', 'content-length': String(100 * 1024 + 1) });
    assert.equal((await refusal(requestBody({ body: { a: 'b' }, stream }))).status, 413);
  });
});

describe("requestBody: a form parser's object", () => {
  it('is read as flat parameters', async () => {
    const stream = await readRequest(FORM);
    assert.deepEqual({ ...(await requestBody({ body: { client_id: 'a', code: 'c' }, stream })) }, { client_id: 'a', code: 'c' });
  });

  it('refuses an array of several values as a repeated parameter', async () => {
    const stream = await readRequest(FORM);
    const got = await refusal(requestBody({ body: { scope: ['a', 'b'] }, stream }));
    assert.deepEqual(got, { status: 400, message: 'Parameter "scope" is repeated.' });
  });

  it('refuses a one-value array (`scope[]=a`) and an object (`settings[password]=p`) as nested', async () => {
    const stream = await readRequest(FORM);
    const nested = (name: string): string => `Parameter "${name}" is nested; a form carries flat parameters, so send nested values as JSON.`;
    assert.equal((await refusal(requestBody({ body: { scope: ['a'] }, stream }))).message, nested('scope'));
    assert.equal((await refusal(requestBody({ body: { settings: { password: 'p' } }, stream }))).message, nested('settings'));
  });

  it('reads JSON sent as a form from its one parameter, and from what followed its first "="', async () => {
    const stream = await readRequest(FORM);
    assert.deepEqual(await requestBody({ body: { '{"client_id":"a"}': '' }, stream }), { client_id: 'a' });
    assert.deepEqual(await requestBody({ body: { '{"name":"a': 'b=c"}' }, stream }), { name: 'a=b=c' });
  });

  it('answers JSON sent as a form as grantkit answers that text: not JSON, or not an object', async () => {
    const stream = await readRequest(FORM);
    assert.equal((await refusal(requestBody({ body: { '{"client_id":': '' }, stream }))).message, 'Request body is not valid JSON.');
    assert.equal((await refusal(requestBody({ body: { '"text"': '' }, stream }))).message, 'Request body must be a JSON object.');
  });

  it('refuses JSON sent as a form that the parser split into several parameters or nested', async () => {
    const stream = await readRequest(FORM);
    const notWhole = "Request body is JSON sent with a form Content-Type, and the app's form parser could not keep it whole; send it as application/json.";
    assert.equal((await refusal(requestBody({ body: { '{"name":"Ada ': '', ' Co"}': '' }, stream }))).message, notWhole);
    assert.equal((await refusal(requestBody({ body: { '{"email":"a@example': { 'com"}': '' } }, stream }))).message, notWhole);
  });
});
