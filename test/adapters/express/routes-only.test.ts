import type { RequestListener } from 'node:http';
import { describe } from 'node:test';
import express4 from 'express4';
import express5 from 'express5';
import { grantkit } from '../../../adapters/express/index.js';
import { APP_404, routesOnlyCases } from '../../support/routes-only.js';

/** `routes({ only })` on Express 4 and 5: the families left out reach the app's own 404. */
for (const [name, express] of [['express4', express4], ['express5', express5]] as const) {
  describe(`grantkit/express routes({ only }) on ${name}`, () => {
    routesOnlyCases(
      (kit, options) => {
        const app = express();
        app.use(grantkit(kit).routes(options));
        app.use((_req, res) => void res.status(404).json(APP_404));
        return app as unknown as RequestListener;
      },
      (kit) => grantkit(kit).routes,
    );
  });
}
