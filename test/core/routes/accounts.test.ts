import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLIENT_ID, CLIENT_SECRET, nativeGrant, startV3App, type V3App } from '../../support/v3-app.js';

/** v2 management (§1.9): /a/{client_id}/accounts with the client secret as Basic `secret:`. */
describe('/a/{client_id}/accounts', () => {
  let a: V3App;
  before(async () => {
    a = await startV3App();
  });
  after(() => a.close());
  const auth = (secret = CLIENT_SECRET) => ({ authorization: `Basic ${Buffer.from(`${secret}:`).toString('base64')}` });

  it('lists, gets and deletes accounts; v3 sees the same grants', async () => {
    const g = await nativeGrant(a.url, 'mo@example.com');
    const list = await fetch(`${a.url}/a/${CLIENT_ID}/accounts?offset=0&limit=100`, { headers: auth() });
    assert.equal(list.status, 200);
    const accounts = (await list.json()) as Array<Record<string, unknown>>;
    assert.ok(accounts.some((x) => x['id'] === g.grantId && x['email'] === 'mo@example.com' && x['sync_state'] === 'running'));
    const one = await fetch(`${a.url}/a/${CLIENT_ID}/accounts/${g.grantId}`, { headers: auth() });
    assert.equal(((await one.json()) as Record<string, unknown>)['account_id'], g.grantId);
    const del = await fetch(`${a.url}/a/${CLIENT_ID}/accounts/${g.grantId}`, { method: 'DELETE', headers: auth() });
    assert.deepEqual(await del.json(), { success: true });
    const gone = await fetch(`${a.url}/a/${CLIENT_ID}/accounts/${g.grantId}`, { headers: auth() });
    assert.equal(gone.status, 404);
    assert.equal(((await gone.json()) as Record<string, unknown>)['type'], 'invalid_request_error');
  });

  it('a wrong secret → 401 in the v2 body', async () => {
    const r = await fetch(`${a.url}/a/${CLIENT_ID}/accounts`, { headers: auth('wrong') });
    assert.equal(r.status, 401);
    assert.deepEqual(await r.json(), { message: 'Could not verify access credentials.', type: 'api_error' });
  });
});
