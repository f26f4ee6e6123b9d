// Koa 3 + koa-jwt (HS256) + a one-line scope check, since koa-jwt has none.
import Koa from 'koa';
import { createServer } from 'node:http';
import jwt from 'koa-jwt';
import { announce, BODY, REQUIRED_SCOPE, versionOf } from './common.js';
import { AUDIENCE, HS_KEY, hs256Token, ISSUER } from './jwt-keys.js';

const app = new Koa();
// autocannon closes its sockets mid-pipeline at the end of a round; Koa would log each ECONNRESET.
app.silent = true;
// koa-jwt's types predate KeyObject; jsonwebtoken, which does the verifying, accepts it.
app.use(jwt({ secret: HS_KEY as unknown as Buffer, algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }));
app.use((ctx, next) => ((ctx.state['user'] as { scope?: string } | undefined)?.scope?.split(' ').includes(REQUIRED_SCOPE) ? next() : ctx.throw(403)));
app.use((ctx) => {
  ctx.body = BODY;
});
announce(createServer(app.callback()), `Bearer ${hs256Token()}`, { koa: versionOf('koa'), 'koa-jwt': versionOf('koa-jwt') });
