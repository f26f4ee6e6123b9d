import { describe } from 'node:test';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { grantkit } from '../../../adapters/koa/index.js';
import { APP_404, routesOnlyCases } from '../../support/routes-only.js';

/** `routes({ only })` on Koa 2 and 3: the families left out reach the app's own 404. */
for (const [name, Koa] of [['koa2', Koa2], ['koa3', Koa3]] as const) {
  describe(`grantkit/koa routes({ only }) on ${name}`, () => {
    routesOnlyCases(
      (kit, options) => {
        const app = new Koa();
        app.use(grantkit(kit).routes(options));
        app.use((ctx) => {
          ctx.status = 404;
          ctx.body = APP_404;
        });
        return app.callback();
      },
      (kit) => grantkit(kit).routes,
    );
  });
}
