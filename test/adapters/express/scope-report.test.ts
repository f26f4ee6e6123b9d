import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { grantkit } from '../../../adapters/express/index.js';
import { createGrantKit } from '../../../src/index.js';

const ok = (_req: Request, res: Response): void => {
  res.json({ ok: true });
};

/**
 * gk.scopeReport(app) on Express 4 and 5: a read-and-send app, a kit whose default scopes are
 * the full mailbox, and a Google connector that asks for Gmail's full scope.
 */
for (const [name, express] of [['express4', express4], ['express5', express5]] as const) {
  describe(`gk.scopeReport() on ${name}`, () => {
    it('the routes, the least-privileged scopes, and what the defaults and the connector allow beyond them', async () => {
      const kit = createGrantKit({ clients: [{ id: 'app' }], secretKeys: ['scope-report-key-of-at-least-32-characters'], defaultScopes: 'email' });
      await kit.connectors.create({ provider: 'google', clientId: 'g', clientSecret: 'g-secret', defaultScopes: ['https://mail.google.com/'] });
      const gk = grantkit(kit);
      const app = express();
      app.get('/open', ok);
      const api = express.Router();
      api.use(gk.requireScopes('email.read_only'));
      api.get('/messages', ok);
      app.use('/api', api);
      app.post('/send', gk.requireScopes('email.send'), ok);

      const report = await gk.scopeReport(app);
      assert.deepEqual(
        report.routes.map((r) => [r.method, r.path, r.satisfiedBy]),
        [
          ['GET', '/api/messages', [['email.read_only'], ['email.modify'], ['email']]],
          ['POST', '/send', [['email.send'], ['email']]],
        ],
      );
      assert.deepEqual(report.nylas.scopes, ['email.read_only', 'email.send']);
      assert.deepEqual(report.connectors.map((c) => [c.provider, c.suggested]), [
        ['google', ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send']],
      ]);
      assert.deepEqual(
        report.warnings.map((w) => [w.kind, w.subject.kind, w.scopes]),
        [
          ['wider', 'defaultScopes', ['email']],
          ['wider', 'connector', ['https://mail.google.com/']],
        ],
      );
    });

    it('rejects what is not an Express app', async () => {
      const gk = grantkit(createGrantKit({ clients: [{ id: 'app' }], secretKeys: ['scope-report-key-of-at-least-32-characters'] }));
      await assert.rejects(gk.scopeReport({}), /needs an Express app or router/);
    });
  });
}
