import type { RequestListener } from 'node:http';
import Router from '@koa/router';
import express from 'express';
import Koa from 'koa';
import { grantkit as expressGrantkit } from '../../adapters/express/index.js';
import { grantkit as koaGrantkit } from '../../adapters/koa/index.js';
import type { GrantKit } from '../../src/index.js';

/**
 * The same app on Express and on Koa: grantkit's routes, `GET /messages` under
 * requireScopes('email.read_only'), `PUT /messages/:id` under requireScopes('email.modify'), and
 * gate() on the v2 endpoint table for the rest. For tests that must see one behaviour on both.
 */
export const FRAMEWORKS = ['express', 'koa'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export function guardedApp(framework: Framework, kit: GrantKit): RequestListener {
  if (framework === 'express') {
    const gk = expressGrantkit(kit);
    const app = express();
    app.use(gk.routes());
    app.get('/messages', gk.requireScopes('email.read_only'), (req, res) => void res.json({ grant: req.grant?.id ?? null }));
    app.put('/messages/:id', gk.requireScopes('email.modify'), (req, res) => void res.json({ grant: req.grant?.id ?? null }));
    app.use(gk.gate(), (req, res) => void res.json({ gated: req.grant?.id ?? null }));
    return app;
  }
  const gk = koaGrantkit(kit);
  const router = new Router();
  router.get('/messages', gk.requireScopes('email.read_only'), (ctx) => {
    ctx.body = { grant: ctx.state.grant?.id ?? null };
  });
  router.put('/messages/:id', gk.requireScopes('email.modify'), (ctx) => {
    ctx.body = { grant: ctx.state.grant?.id ?? null };
  });
  const app = new Koa();
  app.use(gk.routes());
  app.use(router.routes());
  app.use(gk.gate());
  app.use((ctx) => {
    if (ctx.body === undefined) ctx.body = { gated: ctx.state.grant?.id ?? null };
  });
  return app.callback();
}
