import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { RequestListener } from 'node:http';
import { describe, it, before } from 'node:test';
import { createExampleApp as decoratorsApp } from '../../../examples/decorators/app.js';
import { createExampleApp as expressApp } from '../../../examples/express/app.js';
import { createExampleApp as koaApp } from '../../../examples/koa/app.js';
import { exampleConfig } from '../../../examples/shared/config.js';
import { DEMO_ROUTES } from '../../../examples/shared/demo-routes.js';
import { sender, type Res, type Send } from '../../contract/harness.js';

/**
 * Issue 3 §6: `npm start`, `npm run start:koa` and `npm run start:decorators` serve the same demo
 * routes from the same table, so the README's curl walk-through gives the same answers on all three.
 */
const ENV = {
  GRANTKIT_CLIENT_ID: 'walkthrough-client',
  GRANTKIT_CLIENT_SECRET: 'walkthrough-secret',
  GRANTKIT_SECRET_KEY: 'walkthrough-secret-key-of-32-characters-or-more',
};

const APPS: ReadonlyArray<readonly [string, (env: NodeJS.ProcessEnv) => RequestListener]> = [
  ['express', (env) => { const c = exampleConfig(env); return expressApp(c.kit, c.clientId); }],
  ['koa', (env) => { const c = exampleConfig(env); return koaApp(c.kit, c.clientId).callback(); }],
  ['decorators', (env) => { const c = exampleConfig(env); return decoratorsApp(c.kit, c.clientId); }],
];

/** The README's steps, as curl sends them (a JSON body, then Bearer). */
async function walkThrough(send: Send, email: string, scopes: string): Promise<{ token: string; steps: Res[] }> {
  const authorize = await send({
    method: 'POST',
    path: '/connect/authorize',
    body: { client_id: ENV.GRANTKIT_CLIENT_ID, name: 'Ada', email_address: email, provider: 'sandbox', settings: { password: 'sandbox' }, scopes },
  });
  const { code } = JSON.parse(authorize.text) as { code: string };
  const token = await send({
    method: 'POST',
    path: '/connect/token',
    body: { client_id: ENV.GRANTKIT_CLIENT_ID, client_secret: ENV.GRANTKIT_CLIENT_SECRET, code },
  });
  const accessToken = (JSON.parse(token.text) as { access_token: string }).access_token;
  return { token: accessToken, steps: [authorize, token] };
}

/** Status, challenge and body with this app's generated values (ids, tokens, codes) masked. */
function masked(res: Res): string {
  const text = res.text
    .replace(/gk_(code|at)_[A-Za-z0-9_-]+/g, '<$1>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/"(linked_at|created_at|updated_at)":\d+/g, '"$1":<time>');
  return `${res.status} ${res.headers['www-authenticate'] ?? '-'} ${res.headers['content-type'] ?? '-'}\n${text}`;
}

const SCOPE_SETS = ['email.read_only', 'calendar.read_only', 'email', 'email.send,contacts.read_only', 'room_resources.read_only'];

describe('examples: the walk-through on every app', () => {
  const transcripts = new Map<string, string[]>();

  before(async () => {
    for (const [name, build] of APPS) {
      const send = sender(build(ENV));
      const lines: string[] = [];
      const { token, steps } = await walkThrough(send, 'ada@example.com', 'email.read_only');
      lines.push(...steps.map(masked));
      const bearer = { authorization: `Bearer ${token}` };
      lines.push(masked(await send({ method: 'GET', path: '/messages', headers: bearer })));
      lines.push(masked(await send({ method: 'PUT', path: '/messages/1', headers: bearer, body: { unread: false } })));
      lines.push(masked(await send({ method: 'GET', path: '/' })));
      // Every demo route, with no token, a bad token, and a token per scope set.
      const tokens = [undefined, 'gk_at_not-a-real-token'];
      for (const scopes of SCOPE_SETS) tokens.push((await walkThrough(send, `${scopes}@example.com`, scopes)).token);
      for (const r of DEMO_ROUTES) {
        for (const t of tokens) {
          const path = r.path.replace(':id', '42');
          const res = await send({ method: r.method, path, ...(t ? { headers: { authorization: `Bearer ${t}` } } : {}) });
          lines.push(`${r.method} ${path} → ${masked(res)}`);
        }
      }
      transcripts.set(name, lines);
    }
  });

  it('authorize → token → GET /messages passes → PUT /messages/1 gets the 403, on each app', () => {
    for (const [name, lines] of transcripts) {
      const [authorize, token, read, write] = lines;
      assert.match(authorize!, /^200 - application\/json/, name);
      assert.match(token!, /^200 - application\/json/, name);
      assert.match(read!, /^200 - /, name);
      assert.match(read!, /"would":"read messages"/, name);
      assert.equal(
        write,
        '403 Bearer realm="grantkit", error="insufficient_scope", scope="email.modify email" application/json; charset=utf-8\n' +
          JSON.stringify({
            message:
              "You do not have access to the required scopes. You provided a token which has the following scopes: ['email.read_only']. " +
              "You would need a token with at least one of the following scopes: ['email.modify', 'email']",
            type: 'api_error',
          }),
        name,
      );
    }
  });

  it('all three apps answer every step and every demo route identically', () => {
    const [head, ...rest] = [...transcripts.entries()];
    assert.ok(head);
    const [firstName, first] = head;
    assert.ok(first.length > DEMO_ROUTES.length * 7);
    for (const [name, lines] of rest) {
      assert.equal(lines.length, first.length);
      lines.forEach((line, i) => assert.equal(line, first[i], `${name} differs from ${firstName} at step ${i}`));
    }
  });
});

describe('examples: the start scripts', () => {
  for (const server of ['examples/koa/server.ts', 'examples/decorators/server.ts']) {
    it(`${server} starts on PORT and warns without a secret in the output`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', server], {
        env: { PATH: process.env['PATH'] ?? '', PORT: '0', GRANTKIT_STORE: 'memory' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no "listening" line: ${out}`)), 15_000);
          child.stdout.on('data', () => {
            if (/listening on http:\/\/localhost:\d+/.test(out)) {
              clearTimeout(timer);
              resolve();
            }
          });
          child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
        });
      } finally {
        child.kill();
      }
      assert.match(out, /GRANTKIT_SECRET_KEY is not set/);
      assert.doesNotMatch(out, /grantkit-development-key|grantkit-dev-secret/);
    });
  }
});
