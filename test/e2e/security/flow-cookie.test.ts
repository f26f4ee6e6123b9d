import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MemoryStore } from '../../../src/index.js';
import { APP_CALLBACK, APP_ID, Browser, paramsOf, startHarness, type Harness } from '../../support/oauth-harness.js';

/**
 * The hosted flow's browser-binding cookie carries a random nonce made for that flow; the flow state
 * keeps its hash, and the callback accepts only that value. Its name alone (derived from the state)
 * proves nothing.
 */
describe('the flow cookie is a per-flow nonce tied to the state', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  function authUrl(): string {
    const q = new URLSearchParams({ client_id: APP_ID, redirect_uri: APP_CALLBACK, response_type: 'code', provider: 'google', state: 'app-state' });
    return `${h.base}/v3/connect/auth?${q}`;
  }

  /** Starts a flow the way a browser does and returns its cookie and the provider URL. */
  async function start(): Promise<{ name: string; value: string; upstream: string }> {
    const res = await fetch(authUrl(), { redirect: 'manual' });
    assert.equal(res.status, 302);
    const [cookie] = res.headers.getSetCookie();
    const m = /^(gk_flow_[\w-]+)=([^;]*);/.exec(String(cookie));
    assert.ok(m, String(cookie));
    return { name: m[1]!, value: m[2]!, upstream: String(res.headers.get('location')) };
  }

  test('each flow gets its own 256-bit random cookie value, never a constant', async () => {
    const a = await start();
    const b = await start();
    assert.match(a.value, /^[A-Za-z0-9_-]{43}$/);
    assert.match(b.value, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.value, b.value);
    assert.notEqual(a.name, b.name);
  });

  test('a callback with the flow cookie\'s name but a guessed value is refused', async () => {
    for (const guess of ['1', '', 'x'.repeat(43)]) {
      const flow = await start();
      const browser = new Browser();
      browser.setCookie(new URL(h.base).host, flow.name, guess);
      const done = await browser.run(flow.upstream);
      assert.equal(done.status, 400, `guess ${JSON.stringify(guess)}: ${done.url}`);
      assert.match(done.body, /another browser/);
    }
  });

  test('the nonce of another flow does not complete this one', async () => {
    const mine = await start();
    const other = await start();
    const browser = new Browser();
    browser.setCookie(new URL(h.base).host, mine.name, other.value);
    const done = await browser.run(mine.upstream);
    assert.equal(done.status, 400);
    assert.match(done.body, /another browser/);
  });

  test('the browser holding the nonce it was given completes the sign-in', async () => {
    const flow = await start();
    const browser = new Browser();
    browser.setCookie(new URL(h.base).host, flow.name, flow.value);
    const done = await browser.run(flow.upstream);
    assert.ok(paramsOf(done.url).get('code'), `${done.status} ${done.body.slice(0, 200)}`);
    assert.equal(paramsOf(done.url).get('state'), 'app-state');
  });

  test('the store keeps a hash of the nonce, never the nonce', async () => {
    const flow = await start();
    const dump = JSON.stringify((h.kit.store as MemoryStore).dump());
    assert.ok(!dump.includes(flow.value));
  });
});
