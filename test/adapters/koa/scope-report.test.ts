import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Router from '@koa/router';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { grantkit } from '../../../adapters/koa/index.js';
import { createGrantKit } from '../../../src/index.js';

/**
 * gk.scopeReport(app) on Koa 2 and 3 with @koa/router: a calendar app behind gate(), and a
 * Microsoft connector whose defaults are read-only, too narrow for the writes.
 */
for (const [name, Koa] of [['koa2', Koa2], ['koa3', Koa3]] as const) {
  describe(`gk.scopeReport() on ${name}`, () => {
    it('the routes gate() guards, the least-privileged scopes, and the routes the defaults leave refused', async () => {
      const kit = createGrantKit({ clients: [{ id: 'app' }], secretKeys: ['scope-report-key-of-at-least-32-characters'], defaultScopes: 'calendar' });
      await kit.connectors.create({ provider: 'microsoft', clientId: 'm', clientSecret: 'm-secret', defaultScopes: ['Calendars.Read'] });
      const gk = grantkit(kit);
      const app = new Koa();
      app.use(gk.gate());
      const router = new Router();
      router.get('/events', (ctx) => {
        ctx.body = [];
      });
      router.post('/events', (ctx) => {
        ctx.body = {};
      });
      router.get('/account', (ctx) => {
        ctx.body = {};
      });
      app.use(router.routes());

      const report = await gk.scopeReport(app);
      assert.deepEqual(
        report.routes.map((r) => [r.method, r.path, r.access, r.satisfiedBy]),
        [
          ['GET', '/events', 'scopes', [['calendar.read_only'], ['calendar']]],
          ['POST', '/events', 'scopes', [['calendar']]],
          ['GET', '/account', 'token', [[]]],
        ],
      );
      assert.deepEqual(report.nylas.scopes, ['calendar']);
      assert.deepEqual(report.providers.microsoft.scopes, ['Calendars.ReadWrite']);
      assert.deepEqual(
        report.warnings.map((w) => [w.kind, w.subject, w.routes]),
        [['narrower', { kind: 'connector', provider: 'microsoft', owner: null }, ['POST /events']]],
      );
    });
  });
}
