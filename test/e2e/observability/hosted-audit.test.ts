import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent } from '../../../src/audit/events.js';
import { hashSecret } from '../../../src/crypto/tokens.js';
import { hostedCodeHash } from '../../../src/oauth/hosted-code.js';
import { findSecrets, rememberSecret } from '../../support/audit-collector.js';
import { APP_CALLBACK, APP_ID, APP_SECRET, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';

/** The audit trail of hosted OAuth against an OpenID server standing in for Google: sign-in, code, refresh, replay. */

const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';
const prefix = (hash: string): string => hash.slice(0, 16);

describe('audit trail of hosted OAuth (v3)', () => {
  let h: Harness;
  const events: AuditEvent[] = [];
  before(async () => {
    h = await startHarness({ audit: (e) => void events.push(e) });
  });
  after(() => h.close());

  async function token(body: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
    const res = await fetch(`${h.base}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: APP_CALLBACK, ...body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }

  it('a sign-in, its code, a refresh and a replayed refresh token, in the order they happened, with hash prefixes only', async () => {
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'google', scope: GMAIL_READ, access_type: 'offline' });
    const done = await h.browser.run(`${h.base}/v3/connect/auth?${q}`);
    const code = paramsOf(done.url).get('code');
    assert.ok(code, done.url);
    const first = await token({ grant_type: 'authorization_code', code });
    assert.equal(first.status, 200);
    const second = await token({ grant_type: 'refresh_token', refresh_token: first.body['refresh_token']! });
    assert.equal(second.status, 200);
    assert.equal((await token({ grant_type: 'refresh_token', refresh_token: first.body['refresh_token']! })).status, 400);
    rememberSecret(code, first.body['access_token'], first.body['refresh_token'], second.body['access_token'], second.body['refresh_token']);
    await new Promise((resolve) => setImmediate(resolve));

    const grantId = first.body['grant_id']!;
    const family = prefix(hostedCodeHash(code));
    const tokenHash = (t: string | undefined): string => prefix(hashSecret(t!));
    // Times and expiries follow the wall clock here: only their presence is compared.
    const seen = events
      .filter((e) => !e.type.startsWith('grant.'))
      .map((e) => ({ ...e, time: 0, ...('expiresAt' in e ? { expiresAt: typeof e.expiresAt } : {}) }));
    assert.deepEqual(seen, [
      { type: 'signin.started', flow: 'hosted', api: 'v3', clientId: APP_ID, provider: 'google', time: 0 },
      { type: 'code.issued', flow: 'hosted', clientId: APP_ID, codeHash: family, expiresAt: 'number', time: 0 },
      { type: 'signin.succeeded', flow: 'hosted', api: 'v3', clientId: APP_ID, provider: 'google', time: 0 },
      { type: 'code.redeemed', flow: 'hosted', clientId: APP_ID, grantId, codeHash: family, time: 0 },
      ...issued(grantId, family, tokenHash(first.body['access_token']), tokenHash(first.body['refresh_token'])),
      ...issued(grantId, family, tokenHash(second.body['access_token']), tokenHash(second.body['refresh_token']), tokenHash(first.body['refresh_token'])),
      // Both access tokens, the live refresh token and the spent one the memory store still holds.
      { type: 'family.revoked', family, reason: 'refresh_replayed', tokens: 4, time: 0 },
    ]);
    assert.deepEqual(findSecrets(events, [code, APP_SECRET]), []);
  });
});

/** The events of one token response: at the code exchange an access then a refresh token; at a refresh the reverse, then the rotation. */
function issued(grantId: string, family: string, access: string, refresh: string, rotatedFrom?: string): object[] {
  const base = { grantId, clientId: APP_ID, family, scopes: [GMAIL_READ], time: 0 };
  const at = { type: 'token.issued', kind: 'access', tokenHash: access, expiresAt: 'number', ...base };
  const rt = { type: 'token.issued', kind: 'refresh', tokenHash: refresh, expiresAt: 'number', ...base };
  if (rotatedFrom === undefined) return [at, rt];
  return [rt, { type: 'token.refreshed', grantId, clientId: APP_ID, tokenHash: refresh, previousHash: rotatedFrom, family, time: 0 }, at];
}
