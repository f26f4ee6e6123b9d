import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createExampleApp } from '../../../examples/express/app.js';
import { V2_ENDPOINT_SCOPES } from '../../../src/index.js';
import { CLIENT_ID, makeKit, nativeToken } from '../../support/helpers.js';

describe('endpoint gating (seed 001, §2.3) through the example app', () => {
  const { kit } = makeKit();
  const app = createExampleApp(kit, CLIENT_ID);

  it('a calendar-only token gets 403 on /messages and /threads, and reads /events', async () => {
    const { token } = await nativeToken(app as never, { scopes: 'calendar' });
    for (const path of ['/messages', '/threads', '/messages/7', '/threads/search']) {
      const res = await request(app).get(path).set('authorization', `Bearer ${token}`);
      assert.equal(res.status, 403, path);
      assert.match(res.body.message, /following scopes: \['calendar'\]/);
    }
    const events = await request(app).get('/events').set('authorization', `Bearer ${token}`);
    assert.equal(events.status, 200);
    assert.equal(events.body.would, 'read events');
    assert.equal((await request(app).post('/events').set('authorization', `Bearer ${token}`)).status, 200);
  });

  it('email.metadata reads message headers but not files or search; email.send only sends', async () => {
    const meta = await nativeToken(app as never, { scopes: 'email.metadata', email: 'meta@example.com' });
    const auth = { authorization: `Bearer ${meta.token}` };
    assert.equal((await request(app).get('/messages').set(auth)).status, 200);
    assert.equal((await request(app).get('/files').set(auth)).status, 403);
    assert.equal((await request(app).get('/messages/search').set(auth)).status, 403);
    const send = await nativeToken(app as never, { scopes: 'email.send', email: 'send@example.com' });
    assert.equal((await request(app).post('/send').set('authorization', `Bearer ${send.token}`)).status, 200);
    assert.equal((await request(app).get('/messages').set('authorization', `Bearer ${send.token}`)).status, 403);
  });

  it('writes on /resources are admitted by no scope; reads need room_resources.read_only', async () => {
    const { token } = await nativeToken(app as never, { scopes: 'email,calendar,contacts,room_resources.read_only', email: 'r@example.com' });
    const res = await request(app).post('/resources').set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 403);
    assert.match(res.body.message, /at least one of the following scopes: \[\]$/);
    assert.equal((await request(app).get('/resources').set('authorization', `Bearer ${token}`)).status, 200);
  });

  it('routes the table does not list pass through; GET / needs no token', async () => {
    assert.equal((await request(app).get('/')).status, 200);
    assert.equal((await request(app).get('/messages')).status, 401);
  });

  it('every table row names only known v2 scopes, and every demo route is in the table', () => {
    const lookup = kit.gate();
    for (const rule of V2_ENDPOINT_SCOPES) assert.notEqual(lookup(rule.method, rule.path.replaceAll(':id', 'x')), undefined);
    for (const r of ['messages', 'threads', 'files', 'drafts', 'folders', 'labels', 'calendars', 'events', 'contacts', 'resources']) {
      for (const [m, p] of [['GET', `/${r}`], ['POST', `/${r}`], ['GET', `/${r}/1`], ['PUT', `/${r}/1`], ['DELETE', `/${r}/1`]] as const) {
        assert.notEqual(lookup(m, p), undefined, `${m} ${p}`);
      }
    }
  });
});
