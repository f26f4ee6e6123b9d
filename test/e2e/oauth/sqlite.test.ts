import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../../src/store/sql/sqlite.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';

/** Refresh rotation writes a placeholder through rotate() and then the real successor: check it on a SQL store too. */
describe('hosted OAuth on SQLite: code exchange, rotation and reuse', () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantkit-oauth-'));
    h = await startHarness({ store: new SqliteStore({ filename: join(dir, 'grantkit.db') }) });
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  const token = async (body: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: APP_CALLBACK, ...body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('rotates, then a reuse revokes the family', async () => {
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, provider: 'google', access_type: 'offline' });
    const code = String(paramsOf((await h.browser.run(`${h.base}/v3/connect/auth?${q}`)).url).get('code'));
    const first = await token({ grant_type: 'authorization_code', code });
    assert.equal(first.status, 200);
    const second = await token({ grant_type: 'refresh_token', refresh_token: String(first.body['refresh_token']) });
    assert.equal(second.status, 200);
    const third = await token({ grant_type: 'refresh_token', refresh_token: String(second.body['refresh_token']) });
    assert.equal(third.status, 200, JSON.stringify(third.body));
    const reuse = await token({ grant_type: 'refresh_token', refresh_token: String(first.body['refresh_token']) });
    assert.equal(reuse.status, 400);
    const after = await token({ grant_type: 'refresh_token', refresh_token: String(third.body['refresh_token']) });
    assert.equal(after.status, 400);
    const at = await fetch(`${h.base}/bodies`, { headers: { authorization: `Bearer ${String(third.body['access_token'])}` } });
    assert.equal(at.status, 401);
  });
});
