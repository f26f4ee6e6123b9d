import express from 'express';
import { createExampleApp } from '../../../examples/express/app.js';
import { runExample } from '../../../examples/shared/server.js';

/**
 * The Express example with one more route, `GET /spin?ms=N`, that keeps the event loop busy for N
 * milliseconds (at most 500): a CPU-bound handler, as an app's own report or image code can be.
 */
await runExample('Express, with a CPU-bound route', (c) => {
  const app = express();
  app.get('/spin', (req, res) => {
    const ms = Math.min(Number(req.query['ms']) || 100, 500);
    const end = performance.now() + ms;
    while (performance.now() < end) {
      // busy on purpose
    }
    res.json({ spun: ms });
  });
  app.use(createExampleApp(c.kit, c.clientId, c.hosted, c.clientSecret));
  return app;
});
