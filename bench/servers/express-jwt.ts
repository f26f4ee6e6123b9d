// Express 5 + express-jwt (HS256) + express-jwt-authz: the classic two-package setup.
import express from 'express';
import { createServer } from 'node:http';
import { expressjwt } from 'express-jwt';
import jwtAuthz from 'express-jwt-authz';
import { announce, BODY, REQUIRED_SCOPE, versionOf } from './common.js';
import { AUDIENCE, HS_KEY, hs256Token, ISSUER } from './jwt-keys.js';

const app = express();
app.set('etag', false);
app.disable('x-powered-by');
app.get(
  '/',
  expressjwt({ secret: HS_KEY, algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }),
  // express-jwt puts the payload on req.auth; express-jwt-authz looks at req.user unless told.
  jwtAuthz([REQUIRED_SCOPE], { customUserKey: 'auth' }),
  (_req, res) => {
    res.json(BODY);
  },
);
announce(createServer(app), `Bearer ${hs256Token()}`, {
  express: versionOf('express'),
  'express-jwt': versionOf('express-jwt'),
  'express-jwt-authz': versionOf('express-jwt-authz'),
});
