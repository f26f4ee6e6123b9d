import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { before, describe, it } from 'node:test';
import Router from '@koa/router';
import fc from 'fast-check';
import express4 from 'express4';
import express5 from 'express5';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import request from 'supertest';
import { grantkit as expressGrantkit } from '../../../adapters/express/index.js';
import { grantkit as koaGrantkit } from '../../../adapters/koa/index.js';
import { createExampleApp as expressExample } from '../../../examples/express/app.js';
import { createExampleApp as koaExample } from '../../../examples/koa/app.js';
import { GrantKitError, V2_ENDPOINT_SCOPES, type EndpointRule, type GrantKit } from '../../../src/index.js';
import { CLIENT_ID, makeApp, makeKit, nativeToken } from '../../support/helpers.js';

/**
 * gate() must not fail open. Express and @koa/router route case-insensitively, accept a trailing
 * slash and send HEAD to GET handlers by default, and an app may change that; the gate cannot see
 * which, so it over-guards every variant, and refuses a method its table does not list on a path
 * it lists.
 */

describe('gate() on the examples, without a token', () => {
  const { kit } = makeKit();
  const apps: ReadonlyArray<[string, RequestListener]> = [
    ['express', expressExample(kit, CLIENT_ID) as unknown as RequestListener],
    ['koa', koaExample(kit, CLIENT_ID).callback()],
  ];
  for (const [name, app] of apps) {
    it(`${name}: GET /MESSAGES, POST /SEND, HEAD /messages and PUT /v3/grants/anyone@example.com/Messages/1 never answer 200`, async () => {
      const answers = {
        'GET /MESSAGES': await request(app).get('/MESSAGES'),
        'POST /SEND': await request(app).post('/SEND'),
        'HEAD /messages': await request(app).head('/messages'),
        'PUT /v3/grants/anyone@example.com/Messages/1': await request(app).put('/v3/grants/anyone@example.com/Messages/1'),
        'GET /Messages/7/': await request(app).get('/Messages/7/'),
      };
      for (const [what, res] of Object.entries(answers)) {
        assert.equal(res.status, 401, what);
        assert.equal(res.headers['www-authenticate'], 'Bearer realm="grantkit"', what);
      }
    });
  }
});

describe('gate(): a method the table does not list, on a path it lists', () => {
  const { kit } = makeKit();
  const issuer = makeApp(kit);
  const reached: string[] = [];
  const expressApp = (): RequestListener => {
    const gk = expressGrantkit(kit);
    const app = express5();
    app.use(gk.gate());
    app.all('/messages/:id', (req, res) => {
      reached.push(req.method);
      res.json({ reached: true });
    });
    app.options('/messages', (_req, res) => {
      reached.push('OPTIONS');
      res.set('allow', 'GET, POST').end();
    });
    return app as unknown as RequestListener;
  };
  const koaApp = (): RequestListener => {
    const gk = koaGrantkit(kit);
    const app = new Koa3();
    app.use(gk.gate());
    const router = new Router();
    router.all('/messages/:id', (ctx) => {
      reached.push(ctx.method);
      ctx.body = { reached: true };
    });
    router.options('/messages', (ctx) => {
      reached.push('OPTIONS');
      ctx.status = 204;
    });
    app.use(router.routes());
    return app.callback();
  };

  for (const [name, make] of [['express', expressApp], ['koa', koaApp]] as const) {
    it(`${name}: PATCH /messages/1 is refused with 405 and Allow, even with a token the GET and PUT rows admit`, async () => {
      const { token } = await nativeToken(issuer as never, { scopes: 'email', email: `patch-${name}@example.com` });
      reached.length = 0;
      const app = make();
      for (const auth of [{}, { authorization: `Bearer ${token}` }]) {
        const res = await request(app).patch('/messages/1').set(auth);
        assert.equal(res.status, 405);
        assert.equal(res.headers['allow'], 'GET, HEAD, PUT, DELETE');
        assert.deepEqual(res.body, { message: 'Method not allowed; use GET, HEAD, PUT, DELETE.', type: 'invalid_request_error' });
      }
      const v3 = await request(app).patch('/V3/grants/me/messages/1').set('authorization', `Bearer ${token}`);
      assert.equal(v3.status, 405);
      assert.equal(v3.body.error.type, 'invalid_request_error');
      assert.deepEqual(reached, []);
    });

    it(`${name}: OPTIONS on a listed path still reaches the app (CORS preflight carries no token)`, async () => {
      reached.length = 0;
      const res = await request(make()).options('/messages');
      assert.ok(res.status < 300, String(res.status));
      assert.deepEqual(reached, ['OPTIONS']);
    });
  }
});

/** An app with gate() in front of a handler on every row of the table, v2 and v3, that counts who got through. */
interface Framework {
  readonly name: string;
  build(kit: GrantKit, rules: readonly EndpointRule[], reached: string[]): RequestListener;
}

const routePaths = (rules: readonly EndpointRule[]): string[] => [
  ...new Set(rules.flatMap((r) => [r.path, `/v3/grants/:grant${r.path}`])),
];

function expressFramework(name: string, factory: typeof express5): Framework {
  return {
    name,
    build(kit, rules, reached) {
      const app = factory();
      app.use(expressGrantkit(kit).gate());
      for (const path of routePaths(rules)) {
        app.all(path, (req, res) => {
          reached.push(`${req.method} ${req.originalUrl}`);
          res.json({ reached: true });
        });
      }
      return app as unknown as RequestListener;
    },
  };
}

function koaFramework(name: string, Koa: typeof Koa3): Framework {
  return {
    name,
    build(kit, rules, reached) {
      const app = new Koa();
      app.use(koaGrantkit(kit).gate());
      const router = new Router();
      for (const path of routePaths(rules)) {
        router.all(path, (ctx) => {
          reached.push(`${ctx.method} ${ctx.originalUrl}`);
          ctx.body = { reached: true };
        });
      }
      app.use(router.routes());
      return app.callback();
    },
  };
}

const FRAMEWORKS: readonly Framework[] = [
  expressFramework('express4', express4 as typeof express5),
  expressFramework('express5', express5),
  koaFramework('koa2', Koa2 as typeof Koa3),
  koaFramework('koa3', Koa3),
];

/** Scope sets for the tokens a variant may carry; each row is tried with every one that lacks its scopes. */
const TOKEN_SCOPES = ['calendar', 'contacts', 'email.send', 'email.metadata', 'email.drafts', 'room_resources.read_only', 'email,calendar,contacts'];

const hex = (c: string): string => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

function variantOf(rule: EndpointRule, bits: { caseFlips: boolean[]; encodes: boolean[]; upperHex: boolean; slash: number; head: boolean; v3: 'no' | 'lower' | 'upper'; id: string }): { method: string; path: string } {
  const chars = rule.path.replace(/:id/g, bits.id).split('');
  const path = chars
    .map((c, i) => {
      let out = bits.caseFlips[i % bits.caseFlips.length] ? c.toUpperCase() : c;
      if (c !== '/' && bits.encodes[i % bits.encodes.length]) out = bits.upperHex ? hex(out).toUpperCase() : hex(out);
      return out;
    })
    .join('');
  const prefix = bits.v3 === 'no' ? '' : bits.v3 === 'lower' ? '/v3/grants/me' : '/V3/Grants/me';
  const method = rule.method === 'GET' && bits.head ? 'HEAD' : rule.method;
  return { method, path: `${prefix}${path}${'/'.repeat(bits.slash)}` };
}

describe('gate(): no variant of a table row reaches its handler without a token holding the row scope (fast-check, fixed seed)', () => {
  const { kit } = makeKit();
  const issuer = makeApp(kit);
  const tokens: Array<{ token: string; lacks: (rule: EndpointRule) => boolean }> = [];

  before(async () => {
    for (const [i, scopes] of TOKEN_SCOPES.entries()) {
      const { token } = await nativeToken(issuer as never, { scopes, email: `variant-${i}@example.com` });
      const grant = await kit.authenticate(`Bearer ${token}`, '/account');
      assert.ok(!(grant instanceof GrantKitError), 'the token resolves');
      tokens.push({
        token,
        lacks: (rule) => rule.scopes !== 'any' && (rule.scopes.length === 0 || kit.guard('any', rule.scopes).check(grant) !== undefined),
      });
    }
  });

  for (const framework of FRAMEWORKS) {
    it(`${framework.name}: every row, random case, percent-encoding, trailing slashes, HEAD and /v3/grants/me prefix`, async () => {
      const reached: string[] = [];
      const app = framework.build(kit, V2_ENDPOINT_SCOPES, reached);
      const bits = fc.record({
        rule: fc.nat({ max: V2_ENDPOINT_SCOPES.length - 1 }),
        caseFlips: fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }),
        // About one character in eight percent-encoded, so most variants still route somewhere.
        encodes: fc.array(fc.integer({ min: 0, max: 7 }).map((n) => n === 0), { minLength: 1, maxLength: 24 }),
        upperHex: fc.boolean(),
        slash: fc.integer({ min: 0, max: 2 }),
        head: fc.boolean(),
        v3: fc.constantFrom('no' as const, 'lower' as const, 'upper' as const),
        id: fc.constantFrom('7', 'AbC', 'a%2Fb', 'x.y', 'search'),
        token: fc.option(fc.nat({ max: TOKEN_SCOPES.length - 1 }), { nil: null }),
      });
      await fc.assert(
        fc.asyncProperty(bits, async (b) => {
          const rule = V2_ENDPOINT_SCOPES[b.rule]!;
          const { method, path } = variantOf(rule, b);
          const chosen = b.token === null ? undefined : tokens[b.token]!;
          // A token that holds the row's scope may pass (on /account, any valid token); that is not this property's business.
          if (chosen !== undefined && !chosen.lacks(rule)) return;
          const before = reached.length;
          let r = request(app)[method.toLowerCase() as 'get'](path);
          if (chosen !== undefined) r = r.set('authorization', `Bearer ${chosen.token}`);
          const res = await r;
          assert.equal(reached.length, before, `${method} ${path} reached the handler (${res.status})`);
          assert.notEqual(res.status, 200, `${method} ${path}`);
          assert.ok(res.status < 500, `${method} ${path}: ${res.status}`);
        }),
        { seed: 20260806, numRuns: 250, endOnFailure: true },
      );
    });
  }
});
