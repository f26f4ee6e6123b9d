import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEvent } from '../../../src/audit/events.js';
import { errorReporter, loggedError, type Logger } from '../../../src/audit/logger.js';
import { AuditTrail, hashPrefix, tokenHashPrefix } from '../../../src/audit/trail.js';
import { hashSecret } from '../../../src/crypto/tokens.js';

describe('AuditTrail', () => {
  it('stamps each event with the kit clock and delivers it synchronously, in order', () => {
    const got: AuditEvent[] = [];
    const trail = new AuditTrail((e) => void got.push(e), () => 42, (e) => assert.fail(String(e)));
    trail.emit({ type: 'apikey.used', keyId: 'key_a', clientId: 'c' });
    trail.emit({ type: 'apikey.revoked', keyId: 'key_a', clientId: 'c' });
    assert.deepEqual(got, [
      { type: 'apikey.used', keyId: 'key_a', clientId: 'c', time: 42 },
      { type: 'apikey.revoked', keyId: 'key_a', clientId: 'c', time: 42 },
    ]);
  });

  it('hands a throw and a rejection to onError, and returns normally', async () => {
    const errors: unknown[] = [];
    const boom = new Error('boom');
    new AuditTrail(() => { throw boom; }, Date.now, (e) => errors.push(e)).emit({ type: 'apikey.used', keyId: 'k', clientId: 'c' });
    new AuditTrail(() => Promise.reject(boom), Date.now, (e) => errors.push(e)).emit({ type: 'apikey.used', keyId: 'k', clientId: 'c' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(errors, [boom, boom]);
  });

  it('names a token by 16 characters of its SHA-256', () => {
    assert.equal(tokenHashPrefix('gk_at_x'), hashSecret('gk_at_x').slice(0, 16));
    assert.equal(hashPrefix('a'.repeat(43)).length, 16);
  });
});

describe('logging an error', () => {
  it('keeps its type, code, message and stack, and nothing else', () => {
    const e = Object.assign(new TypeError('bad'), { code: 'E_BAD', config: { password: 'p' } });
    const logged = loggedError(e);
    assert.deepEqual(Object.keys(logged).sort(), ['code', 'message', 'stack', 'type']);
    assert.equal(logged.type, 'TypeError');
    assert.deepEqual(loggedError('text'), { type: 'string', message: 'text' });
  });

  it('reports to onError first, then the logger, then the console', () => {
    const calls: unknown[][] = [];
    const logger: Logger = {
      info: () => {},
      warn: () => {},
      error: (...args: unknown[]) => void calls.push(args),
      child: () => logger,
    };
    const onError = (): void => {};
    assert.equal(errorReporter(onError, logger), onError);
    errorReporter(undefined, logger)(new Error('x'));
    assert.equal(calls.length, 1);
    assert.equal(calls[0]![1], 'grantkit: unexpected failure');
    assert.notEqual(errorReporter(undefined, undefined), onError);
  });
});
