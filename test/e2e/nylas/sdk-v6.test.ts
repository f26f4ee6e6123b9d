import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Nylas from 'nylas6';
import { sandboxProvider } from '../../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, makeApp, makeKit } from '../../support/helpers.js';

/**
 * The official v2 SDK, unmodified, against a real server. The v6 SDK only sends providers of its
 * own enum, so the sandbox verifier is enabled here under the name `gmail`.
 */
describe('the official nylas v6 SDK drives the native flow', () => {
  const { kit } = makeKit({ providers: [sandboxProvider({ name: 'gmail', organizationUnit: 'label' })] });
  const server = makeApp(kit).listen(0, '127.0.0.1');
  before(async () => {
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    Nylas.config({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiServer: `http://127.0.0.1:${port}` });
  });
  after(() => server.close());

  it('connect.authorize → connect.token → account.get()', async () => {
    const { code } = await Nylas.connect.authorize({
      name: 'Ada Lovelace',
      emailAddress: 'ada@example.com',
      provider: 'gmail' as never,
      settings: { google_client_id: 'x', google_client_secret: 'y', google_refresh_token: 'z', password: 'sandbox' },
      scopes: ['email.read_only', 'calendar'] as never,
    });
    assert.match(code, /^gk_code_/);
    const account = await Nylas.connect.token(code);
    assert.match(String(account.accessToken), /^gk_at_/);
    assert.equal(account.emailAddress, 'ada@example.com');
    assert.equal(account.provider, 'gmail');

    const me = await Nylas.with(account.accessToken!).account.get();
    assert.equal(me.id, account.id);
    assert.equal(me.emailAddress, 'ada@example.com');
    assert.equal(me.organizationUnit, 'label');
    assert.equal(me.syncState, 'running');
  });

  it('surfaces grantkit errors as the SDK\'s NylasApiError', async () => {
    await assert.rejects(
      Nylas.connect.authorize({
        name: 'Ada',
        emailAddress: 'ada@example.com',
        provider: 'gmail' as never,
        settings: { password: 'wrong' },
        scopes: ['email.read_only'] as never,
      }),
      (e: { statusCode?: number; type?: string; message?: string }) =>
        e.statusCode === 401 && e.type === 'api_error' && e.message === 'The provider did not accept these credentials.',
    );
    // The v6 SDK sends `scopes: ""` when the caller gives none; a present but empty list is a 400
    // (issue #2), so v6 callers name their scopes. The README says so.
    await assert.rejects(
      Nylas.connect.authorize({ name: 'Ada', emailAddress: 'ada@example.com', provider: 'gmail' as never, settings: { password: 'sandbox' } }),
      (e: { statusCode?: number; message?: string }) => e.statusCode === 400 && /"scopes" is empty/.test(String(e.message)),
    );
    await assert.rejects(Nylas.connect.token('gk_code_unknown'), (e: { statusCode?: number }) => e.statusCode === 400);
  });
});
