import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { V3_FIXTURE_ROUTES } from './fixture-routes.js';
import { normalize, sender, setUp, type Res, type Send } from './harness.js';
import { LAYOUTS, MOUNTS, PREFIX } from './mounts.js';
import { V3_CASES, v3Kit, type V3Case, type V3Fixture } from './v3-cases.js';

/**
 * Issue 5's v3 surface on Express 4, Express 5, Koa 2 and Koa 3 (issue 5 left Koa parity to this
 * suite). Each case asserts status, body without request_id, and WWW-Authenticate on every mount;
 * the checks every v3 answer owes (§0.2, §3.13) run on all of them; a last test compares the four
 * mounts' normalised answers, so a difference no case spells out still shows.
 */
const seen = new Map<string, Map<string, string>>();

/** §0.2 and §3.13: a JSON body on every 2xx; the request id in the body is the one in x-request-id. */
function assertEnvelope(res: Res): Record<string, unknown> | undefined {
  if (res.status >= 200 && res.status < 300) {
    assert.match(String(res.headers['content-type']), /^application\/json/, `a 2xx without a JSON body: ${res.text}`);
  }
  if (!/^application\/json/.test(String(res.headers['content-type']))) return undefined;
  const parsed = JSON.parse(res.text) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed as Record<string, unknown>;
  const body = parsed as Record<string, unknown>;
  // The v3 error envelope always carries the id; OAuth-style errors (revoke, tokeninfo) have no
  // place for it in the body, so there only the header is sent.
  const v3Envelope = typeof body['error'] === 'object' && body['error'] !== null;
  if (v3Envelope) assert.equal(typeof body['request_id'], 'string', 'a v3 error without request_id');
  if ('request_id' in body) assert.equal(res.headers['x-request-id'], body['request_id'], 'x-request-id must equal body.request_id');
  const { request_id: _dropped, ...rest } = body;
  return rest;
}

/** For `orderFree` cases: the same answer with its list (`data`, or a bare array) in a fixed order. */
function sortedList(res: Res, fx: V3Fixture): Res {
  const parsed = JSON.parse(res.text) as unknown;
  const masked = (v: unknown): string => normalize({ ...res, text: JSON.stringify(v) }, fx);
  const sort = (list: unknown[]): unknown[] => [...list].sort((a, b) => masked(a).localeCompare(masked(b)));
  if (Array.isArray(parsed)) return { ...res, text: JSON.stringify(sort(parsed)) };
  const body = parsed as Record<string, unknown>;
  return Array.isArray(body['data']) ? { ...res, text: JSON.stringify({ ...body, data: sort(body['data']) }) } : res;
}

function assertCase(c: V3Case, res: Res, fx: V3Fixture): Record<string, unknown> {
  assert.equal(res.status, c.status, `status; body: ${res.text}`);
  assert.equal(res.headers['www-authenticate'], c.wwwAuthenticate, 'WWW-Authenticate');
  for (const [k, v] of Object.entries(c.headers ?? {})) assert.equal(res.headers[k], v, k);
  const body = assertEnvelope(res);
  assert.ok(body !== undefined, `not JSON: ${res.text}`);
  if (c.body !== undefined) assert.deepEqual(body, typeof c.body === 'function' ? (c.body as (fx: V3Fixture) => unknown)(fx) : c.body);
  if (c.check) c.check(body, fx);
  if (c.body === undefined && !c.check) assert.fail(`case "${c.name}" checks no body`);
  return body;
}

/**
 * Every case runs on each mount three times: at the root, under a prefix, and with the v3 routes
 * in a nested router (mounts.ts, Layout). Under a mount, every path the cases send is prefixed;
 * the answers must not change at all.
 */
for (const mount of MOUNTS) for (const layout of LAYOUTS) {
  const where = layout === 'root' ? mount.name : `${mount.name} (${layout})`;
  describe(`v3 contract on ${where}`, () => {
    let send: Send;
    let fx: V3Fixture;
    before(async () => {
      const direct = sender(mount.build(await v3Kit(), V3_FIXTURE_ROUTES, layout));
      send = layout === 'root' ? direct : (req) => direct({ ...req, path: `${PREFIX}${req.path}` });
      fx = { ...(await setUp(send)), made: {} };
    });
    for (const c of V3_CASES) {
      it(c.name, async () => {
        const res = await send(await c.request(fx, send));
        if (!seen.has(c.name)) seen.set(c.name, new Map());
        seen.get(c.name)!.set(where, normalize(c.orderFree && res.status === 200 ? sortedList(res, fx) : res, fx));
        const body = assertCase(c, res, fx);
        c.keep?.(body, fx);
      });
    }
  });
}

describe('v3 contract: every mount answers alike', () => {
  after(() => seen.clear());
  it('the normalised answers are identical across mounts', () => {
    assert.ok(seen.size > 0);
    for (const [name, byMount] of seen) {
      const [first, ...rest] = [...byMount.entries()];
      assert.ok(first, name);
      assert.equal(byMount.size, MOUNTS.length * LAYOUTS.length, `"${name}" did not run on every mount and layout`);
      for (const [mount, answer] of rest) assert.equal(answer, first[1], `"${name}": ${mount} differs from ${first[0]}`);
    }
  });
});
