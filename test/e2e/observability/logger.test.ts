import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import type { AuditEvent } from '../../../src/audit/events.js';
import { MemoryStore, type Resolved } from '../../../src/index.js';
import { makeApp, makeKit, minimalStore, nativeToken } from '../../support/helpers.js';

/** The `logger` option with a real pino, and the store's outages and recoveries it and the audit trail hear of. */

/** A pino logger writing JSON lines into an array. */
function capturedPino(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info', base: { app: 'test' } }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** A memory store whose resolve() fails while `state.down` says so: by throwing, or by never answering. */
function flakyStore(state: { down: false | 'throws' | 'hangs' }) {
  const inner = new MemoryStore();
  const store = {
    ...minimalStore(inner),
    resolve(hash: string, now: number) {
      if (state.down === 'throws') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', password: 'db-password-42' });
      if (state.down === 'hangs') return new Promise<Resolved | undefined>(() => {});
      return inner.resolve(hash, now);
    },
  };
  return store;
}

describe('logger option (pino)', () => {
  it('unexpected failures go to logger.error in place of console.error, as the error\'s type, code, message and stack only', async () => {
    const { logger, lines } = capturedPino();
    const state: { down: false | 'throws' | 'hangs' } = { down: false };
    const { kit } = makeKit({ store: flakyStore(state), logger });
    const app = makeApp(kit);
    const { token } = await nativeToken(app, { scopes: 'email.read_only' });
    state.down = 'throws';
    assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 503);
    const errors = lines.filter((l) => l['level'] === 50);
    assert.equal(errors.length, 1);
    const [line] = errors;
    assert.equal(line!['app'], 'test', 'the app\'s own bindings stay');
    assert.equal(line!['module'], 'grantkit', 'through the kit\'s child logger');
    assert.equal(line!['msg'], 'grantkit: unexpected failure');
    const err = line!['err'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(err).sort(), ['code', 'message', 'stack', 'type']);
    assert.equal(err['message'], 'connect ECONNREFUSED 127.0.0.1:5432');
    assert.equal(err['code'], 'ECONNREFUSED');
    assert.ok(!JSON.stringify(lines).includes('db-password-42'), 'no other field of the error is logged');
  });

  it('onError, when set, still takes the failures; the logger keeps the outage lines', async () => {
    const { logger, lines } = capturedPino();
    const errors: unknown[] = [];
    const state: { down: false | 'throws' | 'hangs' } = { down: false };
    const { kit } = makeKit({ store: flakyStore(state), logger, onError: (e) => errors.push(e) });
    const app = makeApp(kit);
    const { token } = await nativeToken(app, { scopes: 'email.read_only' });
    state.down = 'throws';
    assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 503);
    assert.equal(errors.length, 1);
    assert.deepEqual(lines.map((l) => l['level']), [40]);
  });
});

describe('store outages and recoveries', () => {
  for (const how of ['throws', 'hangs'] as const) {
    it(`a store that ${how === 'throws' ? 'fails' : 'does not answer in time'}: one outage when it goes down, one recovery when it answers again`, async () => {
      const { logger, lines } = capturedPino();
      const events: AuditEvent[] = [];
      const state: { down: false | 'throws' | 'hangs' } = { down: false };
      const { kit } = makeKit({ store: flakyStore(state), logger, storeTimeoutMs: 50, audit: (e) => void events.push(e) });
      const app = makeApp(kit);
      const { token } = await nativeToken(app, { scopes: 'email.read_only' });
      state.down = how;
      for (let i = 0; i < 3; i++) assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 503);
      state.down = false;
      for (let i = 0; i < 2; i++) assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${token}`)).status, 200);
      const health = events.filter((e) => e.type === 'store.outage' || e.type === 'store.recovered');
      assert.equal(health.length, 2);
      assert.deepEqual(health[0], { type: 'store.outage', store: 'grants', operation: 'resolve', cause: how === 'throws' ? 'error' : 'timeout', time: health[0]!.time });
      const recovered = health[1]!;
      assert.equal(recovered.type, 'store.recovered');
      assert.equal(recovered.type === 'store.recovered' && recovered.operation, 'resolve');
      assert.ok(recovered.type === 'store.recovered' && typeof recovered.downMs === 'number' && recovered.downMs >= 0);
      const outageLines = lines.filter((l) => l['level'] === 40 || l['level'] === 30);
      assert.deepEqual(
        outageLines.map((l) => [l['level'], l['msg'], l['store'], l['operation']]),
        [
          [40, 'grantkit: the store is unavailable; requests get 503 until it answers', 'grants', 'resolve'],
          [30, 'grantkit: the store answers again', 'grants', 'resolve'],
        ],
      );
    });
  }
});
