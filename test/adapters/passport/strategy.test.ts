import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import express, { type Request, type Response } from 'express';
import passport from 'passport';
import { Strategy as PassportStrategy } from 'passport-strategy';
import { grantkit } from '../../../adapters/express/index.js';
import { GrantKitStrategy } from '../../../adapters/passport/index.js';
import { bearer, connect, contractKit, sender, type Send } from '../../contract/harness.js';

/**
 * A real Express app that already uses passport: `passport.authenticate('grantkit', { session:
 * false })` resolves the grant, and grantkit's guards take it from there.
 */
const CREDENTIALS = { message: 'Could not verify access credentials.', type: 'api_error' };

/** A second strategy that accepts one fixed header, to show delegated failures chain on. */
class HeaderStrategy extends PassportStrategy {
  readonly name = 'header';
  override authenticate(req: Request): void {
    if (req.headers['x-demo-user'] === 'robot') this.success({ id: 'robot' });
    else this.fail('Demo', 401);
  }
}

function app(): express.Express {
  const kit = contractKit();
  const gk = grantkit(kit);
  const auth = new passport.Passport(); // its own instance: tests do not share passport's global
  auth.use(new GrantKitStrategy(kit));
  auth.use('grantkit-delegating', new GrantKitStrategy(kit, { delegateFailures: true }));
  auth.use(new HeaderStrategy());
  const a = express();
  a.use(auth.initialize());
  a.use(gk.routes());
  const who = (req: Request, res: Response): void => {
    res.json({ user: (req.user as { id?: string } | undefined)?.id ?? null, grant: req.grant?.id ?? null });
  };
  a.get('/me', auth.authenticate('grantkit', { session: false }), who);
  a.get('/messages', auth.authenticate('grantkit', { session: false }), gk.requireScopes('email.read_only'), who);
  a.get('/either', auth.authenticate(['grantkit-delegating', 'header'], { session: false }), who);
  return a;
}

describe('passport strategy "grantkit"', () => {
  let send: Send;
  let reader: { token: string; id: string };
  let calendar: { token: string; id: string };
  before(async () => {
    send = sender(app());
    reader = await connect(send, 'reader@example.com', 'email.read_only');
    calendar = await connect(send, 'cal@example.com', 'calendar');
  });

  it('sets req.user and req.grant to the grant', async () => {
    const res = await send({ method: 'GET', path: '/me', headers: bearer(reader.token) });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { user: reader.id, grant: reader.id });
  });

  it('answers a missing token with grantkit\'s 401 body and challenge', async () => {
    const res = await send({ method: 'GET', path: '/me' });
    assert.equal(res.status, 401);
    assert.deepEqual(JSON.parse(res.text), CREDENTIALS);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit"');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  });

  it('answers a bad token with invalid_token', async () => {
    const res = await send({ method: 'GET', path: '/me', headers: bearer('gk_at_nope') });
    assert.equal(res.status, 401);
    assert.deepEqual(JSON.parse(res.text), CREDENTIALS);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit", error="invalid_token"');
  });

  it('hands over to grantkit\'s guards: pass and the documented 403', async () => {
    assert.equal((await send({ method: 'GET', path: '/messages', headers: bearer(reader.token) })).status, 200);
    const res = await send({ method: 'GET', path: '/messages', headers: bearer(calendar.token) });
    assert.equal(res.status, 403);
    assert.deepEqual(JSON.parse(res.text), {
      message:
        "You do not have access to the required scopes. You provided a token which has the following scopes: ['calendar']. " +
        "You would need a token with at least one of the following scopes: ['email.read_only']",
      type: 'api_error',
    });
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit", error="insufficient_scope", scope="email.read_only"');
  });

  it('with delegateFailures, lets the next strategy try, and passport answers when all fail', async () => {
    const robot = await send({ method: 'GET', path: '/either', headers: { 'x-demo-user': 'robot' } });
    assert.deepEqual(JSON.parse(robot.text), { user: 'robot', grant: null });
    const granted = await send({ method: 'GET', path: '/either', headers: bearer(reader.token) });
    assert.deepEqual(JSON.parse(granted.text), { user: reader.id, grant: reader.id });
    const none = await send({ method: 'GET', path: '/either' });
    assert.equal(none.status, 401);
    // Passport joins every strategy's challenge; grantkit's is the first.
    assert.match(String(none.headers['www-authenticate']), /^Bearer realm="grantkit"/);
  });
});
