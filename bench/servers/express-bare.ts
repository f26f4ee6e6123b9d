// Bare Express 5: the baseline every Express variant is divided by. With BENCH_NOOP_LAYER=on, the
// same route with one empty middleware in front: what any single layer costs, grantkit's or not.
import express from 'express';
import { createServer } from 'node:http';
import { announce, BODY, versionOf } from './common.js';

const app = express();
// As fastify/benchmarks does: no ETag hashing of every body, no X-Powered-By header.
app.set('etag', false);
app.disable('x-powered-by');
const handler: express.RequestHandler = (_req, res) => {
  res.json(BODY);
};
if (process.env['BENCH_NOOP_LAYER'] === 'on') {
  app.get('/', (_req, _res, next) => next(), handler);
} else {
  app.get('/', handler);
}
announce(createServer(app), 'Bearer none', { express: versionOf('express') });
