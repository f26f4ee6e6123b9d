// Express 5 + express-oauth2-jwt-bearer (auth0): auth() then requiredScopes(), HS256 or RS256 (BENCH_ALG).
import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { announce, BODY, REQUIRED_SCOPE, versionOf } from './common.js';
import { AUDIENCE, HS_SECRET, hs256Token, ISSUER, rs256 } from './jwt-keys.js';

const alg = process.env['BENCH_ALG'] === 'RS256' ? 'RS256' : 'HS256';
let token: string;
let authenticate: express.RequestHandler;
if (alg === 'HS256') {
  token = hs256Token();
  authenticate = auth({ issuer: ISSUER, audience: AUDIENCE, secret: HS_SECRET, tokenSigningAlg: 'HS256' });
} else {
  // The library only takes RSA keys from a JWKS URL: serve one from this process. It is fetched
  // once (during the parent's check request) and cached, so it costs nothing during the rounds.
  const keys = rs256();
  const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: keys.kid, alg: 'RS256', use: 'sig' };
  const jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  token = keys.token;
  authenticate = auth({ issuer: ISSUER, audience: AUDIENCE, jwksUri, tokenSigningAlg: 'RS256' });
}

const app = express();
app.set('etag', false);
app.disable('x-powered-by');
app.get('/', authenticate, requiredScopes(REQUIRED_SCOPE), (_req, res) => {
  res.json(BODY);
});
announce(createServer(app), `Bearer ${token}`, {
  express: versionOf('express'),
  'express-oauth2-jwt-bearer': versionOf('express-oauth2-jwt-bearer'),
});
