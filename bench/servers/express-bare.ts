// Bare Express 5: the baseline every Express variant is divided by.
import express from 'express';
import { createServer } from 'node:http';
import { announce, BODY, versionOf } from './common.js';

const app = express();
// As fastify/benchmarks does: no ETag hashing of every body, no X-Powered-By header.
app.set('etag', false);
app.disable('x-powered-by');
app.get('/', (_req, res) => {
  res.json(BODY);
});
announce(createServer(app), 'Bearer none', { express: versionOf('express') });
