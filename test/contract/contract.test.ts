import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { CONTRACT_CASES, type ContractCase } from './cases.js';
import { contractKit, normalize, sender, setUp, type Fixture, type Res, type Send } from './harness.js';
import { ROOT_MOUNTS } from './mounts.js';

/**
 * The same cases against Express 4, Express 5, Koa 2, Koa 3 and a Nest app. Each case asserts its
 * status, body and WWW-Authenticate on every mount; a last check compares the mounts' normalised
 * answers with each other, so a difference the cases do not spell out still shows.
 */
const seen = new Map<string, Map<string, string>>();

function assertCase(c: ContractCase, res: Res, fx: Fixture): void {
  assert.equal(res.status, c.status, `status; body: ${res.text}`);
  assert.equal(res.headers['www-authenticate'], c.wwwAuthenticate, 'WWW-Authenticate');
  for (const [k, v] of Object.entries(c.headers ?? {})) assert.equal(res.headers[k], v, k);
  if (c.body === '') assert.equal(res.text, '');
  else if (c.body !== undefined) assert.deepEqual(JSON.parse(res.text), c.body);
  if (c.check) c.check(JSON.parse(res.text) as Record<string, unknown>, fx);
  if (c.body === undefined && !c.check) assert.fail(`case "${c.name}" checks no body`);
}

for (const mount of ROOT_MOUNTS) {
  describe(`contract on ${mount.name}`, () => {
    let send: Send;
    let fx: Fixture;
    before(async () => {
      send = sender(mount.build(contractKit()));
      fx = await setUp(send);
    });
    for (const c of CONTRACT_CASES) {
      it(c.name, async () => {
        const res = await send(await c.request(fx, send));
        if (!seen.has(c.name)) seen.set(c.name, new Map());
        seen.get(c.name)!.set(mount.name, normalize(res, fx));
        assertCase(c, res, fx);
      });
    }
  });
}

describe('contract: every mount answers alike', () => {
  after(() => seen.clear());
  it('the normalised answers are identical across mounts', () => {
    for (const [name, byMount] of seen) {
      const [first, ...rest] = [...byMount.entries()];
      assert.ok(first, name);
      for (const [mount, answer] of rest) assert.equal(answer, first[1], `"${name}": ${mount} differs from ${first[0]}`);
    }
  });
});
