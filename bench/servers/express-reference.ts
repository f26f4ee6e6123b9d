// Express 5 + the reference check (reference-check.ts) as the route's only middleware.
import express from 'express';
import { createServer } from 'node:http';
import { announce, BODY, versionOf } from './common.js';
import { check, referenceGrants } from './reference-check.js';

const { grants, token } = referenceGrants();
const app = express();
app.set('etag', false);
app.disable('x-powered-by');
const guard: express.RequestHandler = (req, res, next) => {
  const grant = check(grants, req.headers.authorization);
  if (typeof grant === 'number') {
    res.status(grant).json({ error: grant === 401 ? 'unauthorized' : 'forbidden' });
    return;
  }
  res.locals['referenceGrant'] = grant;
  next();
};
app.get('/', guard, (_req, res) => {
  res.json(BODY);
});
announce(createServer(app), `Bearer ${token}`, { express: versionOf('express') });
