import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../../support/oauth-harness.js';
import { freshPostgresUrl, freshRedisUrl, probePostgres, probeRedis } from '../../support/servers.js';
import { APP_ENV, startApp, type AppProcess } from '../../support/processes.js';

/**
 * Issue 6: "a concurrent refresh gives one success", through the real refresh route of two real
 * example processes sharing one store. two-instances.test.ts writes its refresh token into the
 * store by hand; here the token comes from the whole hosted sign-in (sandbox login form, callback,
 * code exchange), so the race runs on exactly what a client would hold.
 */

interface TokenReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** POST /v3/connect/token as a confidential client would (the example's client of APP_ENV). */
async function tokenEndpoint(base: string, body: Record<string, string>): Promise<TokenReply> {
  const res = await fetch(`${base}/v3/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: APP_ENV.GRANTKIT_CLIENT_ID, client_secret: APP_ENV.GRANTKIT_CLIENT_SECRET, ...body }),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = { raw: text };
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: keep the text for the failure message
  }
  return { status: res.status, body: parsed };
}

function refresh(base: string, token: string): Promise<TokenReply> {
  return tokenEndpoint(base, { grant_type: 'refresh_token', refresh_token: token });
}

/** The hidden inputs of the sandbox's login form (values come HTML-escaped as `&#NN;`). */
function hiddenInputs(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(m[1]!, m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))));
  }
  return form;
}

/**
 * The hosted sign-in with offline access, clicked through B and its own sandbox, ending in a
 * refresh token. It must go through the process started last: every example upserts the shared
 * `oauth2` connector at start-up to point at its own sandbox (whose client secret is random per
 * process), and a sandbox accepts only its own process's callback URL. Returns the token reply.
 */
async function signInThrough(app: AppProcess, email: string): Promise<Record<string, unknown>> {
  // The example's public URL and registered callback name `localhost`, not 127.0.0.1: the
  // redirect_uri must match exactly, and the flow cookie is kept per host.
  const local = `http://localhost:${new URL(app.url).port}`;
  const redirectUri = `${local}/callback`;
  const browser = new Browser();
  const q = new URLSearchParams({
    client_id: APP_ENV.GRANTKIT_CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: 'code',
    provider: 'oauth2',
    // Without it the code exchange gives no refresh token (the default is online access).
    access_type: 'offline',
  });
  // grantkit redirects to the sandbox (setting the flow cookie on its own host), which shows its login form.
  const login = await browser.run(`${local}/v3/connect/auth?${q.toString()}`, [redirectUri]);
  assert.equal(login.status, 200, `expected the sandbox login form at ${login.url}: ${login.body.slice(0, 300)}`);
  assert.match(login.body, /Sandbox sign-in/);
  const form = hiddenInputs(login.body);
  form.set('email', email);
  form.set('password', 'sandbox');
  form.set('action', 'allow');
  const posted = await fetch(new URL('/authorize', login.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  await posted.arrayBuffer();
  const location = posted.headers.get('location');
  assert.equal(posted.status, 302, 'the sandbox accepts the login');
  assert.ok(location);
  // Back to grantkit's /oauth/callback/oauth2 (the browser sends the flow cookie), then to the client.
  const back = await browser.run(new URL(location, login.url).toString(), [redirectUri]);
  assert.ok(back.url.startsWith(redirectUri), `expected a redirect to ${redirectUri}, got ${back.status} at ${back.url}: ${back.body.slice(0, 300)}`);
  const code = new URL(back.url).searchParams.get('code');
  assert.ok(code, back.url);
  const exchanged = await tokenEndpoint(local, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
  return exchanged.body;
}

function refreshRace(name: string, makeUrl: () => { url: string; cleanup: () => Promise<void> }, skip: string | false): void {
  describe(`hosted refresh through two app processes sharing ${name}`, { skip }, () => {
    let a: AppProcess | undefined;
    let b: AppProcess | undefined;
    let cleanup: () => Promise<void> = async () => {};

    before(async () => {
      const made = makeUrl();
      cleanup = made.cleanup;
      // One after the other, not together: B must be the last to upsert the shared `oauth2`
      // connector, so that the connector points at B's sandbox when the sign-in runs through B.
      a = await startApp({ GRANTKIT_STORE: made.url, SANDBOX_PORT: '0' });
      b = await startApp({ GRANTKIT_STORE: made.url, SANDBOX_PORT: '0' });
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await cleanup();
    });

    it('20 concurrent refreshes of one signed-in refresh token, alternating A and B, give exactly one success', async (t) => {
      const signedIn = await signInThrough(b!, `race-${randomUUID()}@example.com`);
      const rt = signedIn['refresh_token'];
      assert.equal(typeof rt, 'string', `offline access gives a refresh token: ${JSON.stringify(Object.keys(signedIn))}`);
      const old = rt as string;

      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh((i % 2 === 0 ? a! : b!).url, old)));
      const statuses = replies.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 400).length, 19, statuses.join(','));
      for (const r of replies) if (r.status === 400) assert.equal(r.body['error'], 'invalid_grant', JSON.stringify(r.body));
      const winner = replies.find((r) => r.status === 200)!.body;
      const next = winner['refresh_token'];
      assert.equal(typeof next, 'string');
      assert.notEqual(next, old);

      // Afterwards the old token stays refused, on both processes.
      for (const app of [a!, b!]) {
        const again = await refresh(app.url, old);
        assert.equal(again.status, 400, JSON.stringify(again.body));
        assert.equal(again.body['error'], 'invalid_grant');
      }
      // The winner's successor is not asserted to work here: the 19 losers are replays of a rotated
      // token, and each replay revokes the whole chain (RFC 9700 §4.14.2, token.ts refresh()). That
      // revocation races the winner writing its successor, so the successor survives only if every
      // revocation landed first. Either outcome is allowed; anything but 200 or invalid_grant is not.
      const successor = await refresh(a!.url, next as string);
      t.diagnostic(`successor after the race: ${successor.status} (${successor.status === 200 ? 'the chain survived' : 'the chain was revoked by the replays'})`);
      if (successor.status !== 200) {
        assert.equal(successor.status, 400, JSON.stringify(successor.body));
        assert.equal(successor.body['error'], 'invalid_grant');
      }
    });

    // The rotation without a race, across the two processes: what the race above cannot promise
    // (the successor works once more) holds when nobody replays the old token first.
    it('a token refreshed on A gives a successor that refreshes once more on B, and the old one is refused on both', async () => {
      const signedIn = await signInThrough(b!, `rotate-${randomUUID()}@example.com`);
      const old = signedIn['refresh_token'] as string;
      assert.equal(typeof old, 'string');
      const first = await refresh(a!.url, old);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const next = first.body['refresh_token'] as string;
      assert.equal(typeof next, 'string');
      const second = await refresh(b!.url, next);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.notEqual(second.body['refresh_token'], next);
      // Only now the replay: it must be refused wherever it is presented.
      for (const app of [a!, b!]) {
        const again = await refresh(app.url, old);
        assert.equal(again.status, 400, JSON.stringify(again.body));
        assert.equal(again.body['error'], 'invalid_grant');
      }
    });
  });
}

refreshRace('one PostgreSQL schema', freshPostgresUrl, await probePostgres());
refreshRace('one Redis key prefix', freshRedisUrl, await probeRedis());
