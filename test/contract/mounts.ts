import type { RequestListener } from 'node:http';
import Router from '@koa/router';
import type { INestApplication } from '@nestjs/common';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import type { Middleware } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { grantkit as expressGrantkit } from '../../adapters/express/index.js';
import { grantkit as koaGrantkit, type KoaGrantKit } from '../../adapters/koa/index.js';
import { isGrantKitError, type GrantKit } from '../../src/index.js';
import { fixtureBody, V2_FIXTURE_ROUTES, type FixtureGuard, type FixtureRoute } from './fixture-routes.js';
import { mount as mountAt } from './koa-mount.js';

/**
 * Where the app puts grantkit and its routes:
 * - `root`: on the app itself;
 * - `prefix`: everything under `/nylas` (Express `app.use('/nylas', router)`, Koa koa-mount);
 * - `nested`: under `/nylas` too, with the `/v3/…` routes in a second router mounted at `/v3`
 *   that declares them as `/grants/:grant/…`, with its own gate().
 */
export type Layout = 'root' | 'prefix' | 'nested';
export const LAYOUTS: readonly Layout[] = ['root', 'prefix', 'nested'];
export const PREFIX = '/nylas';

/** One framework version with grantkit mounted the documented way, built fresh per kit. */
export interface Mount {
  readonly name: string;
  readonly framework: 'express' | 'koa' | 'nest';
  build(kit: GrantKit, routes?: readonly FixtureRoute[], layout?: Layout): RequestListener;
}

const isV3 = (r: FixtureRoute): boolean => r.path.startsWith('/v3/');

/** The five names both adapters share, so one function picks the middleware for a row. */
interface Adapter<M> {
  resolve(): M;
  requireScopes(...s: string[]): M;
  requireAllScopes(...s: string[]): M;
}

function middlewareFor<M>(guard: FixtureGuard, gk: Adapter<M>, throwing: Adapter<M>): M[] {
  switch (guard.kind) {
    case 'table':
      return [];
    case 'resolve':
      return [gk.resolve()];
    case 'resolve+guard':
      return [gk.resolve(), guard.mode === 'any' ? gk.requireScopes(...guard.scopes) : gk.requireAllScopes(...guard.scopes)];
    case 'guard': {
      const a = guard.throws ? throwing : gk;
      return [guard.mode === 'any' ? a.requireScopes(...guard.scopes) : a.requireAllScopes(...guard.scopes)];
    }
  }
}

export type ExpressFactory = typeof express5;

/**
 * An Express app of `express`'s version. `first` is what the app mounts before everything else,
 * as apps mount their body parsers (body-parsers.test.ts); made per app, from that version's own
 * `express.json()` and the like.
 */
export function expressMount(name: string, express: ExpressFactory, first: (e: ExpressFactory) => RequestHandler[] = () => []): Mount {
  return {
    name,
    framework: 'express',
    build(kit, routes = V2_FIXTURE_ROUTES, layout = 'root') {
      const gk = expressGrantkit(kit);
      const throwing = expressGrantkit(kit, { throwErrors: true });
      const app = express();
      app.disable('x-powered-by');
      for (const m of first(express)) app.use(m);
      const base = layout === 'root' ? app : express.Router();
      const add = (router: typeof base, r: FixtureRoute, path: string): void => {
        const handler: RequestHandler = (req, res) => {
          res.json(fixtureBody(r, req.params as Record<string, string>, req.grant));
        };
        const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
        router[method](path, ...middlewareFor(r.guard, gk, throwing), handler);
      };
      base.use(gk.routes());
      if (layout === 'nested') {
        const inner = express.Router();
        inner.use(gk.gate());
        for (const r of routes.filter(isV3)) add(inner, r, r.path.slice('/v3'.length));
        base.use('/v3', inner);
      }
      base.use(gk.gate());
      for (const r of routes) if (layout !== 'nested' || !isV3(r)) add(base, r, r.path);
      if (base !== app) app.use(PREFIX, base);
      // The app's own error handler, as an app that opted into throwing would write it.
      const onError: ErrorRequestHandler = (err: unknown, _req, res, next) => {
        if (!isGrantKitError(err)) return next(err);
        res.status(err.status).set(err.headers).json(err.body);
      };
      app.use(onError);
      return app;
    },
  };
}

export type KoaClass = typeof Koa3;

/** A Koa app of `Koa`'s version; `first` as for expressMount, mounted after the app's error handler. */
export function koaMount(name: string, Koa: KoaClass, first: () => Middleware[] = () => []): Mount {
  return {
    name,
    framework: 'koa',
    build(kit, routes = V2_FIXTURE_ROUTES, layout = 'root') {
      const gk: KoaGrantKit = koaGrantkit(kit);
      const throwing = koaGrantkit(kit, { throwErrors: true });
      const outer = new Koa();
      const app = layout === 'root' ? outer : new Koa();
      const onError: Middleware = async (ctx, next) => {
        try {
          await next();
        } catch (err) {
          if (!isGrantKitError(err)) throw err;
          ctx.status = err.status;
          ctx.set(err.headers);
          ctx.body = err.body;
        }
      };
      outer.use(onError);
      for (const m of first()) outer.use(m);
      app.use(gk.routes());
      app.use(gk.gate());
      const router = new Router();
      const add = (target: Router, r: FixtureRoute, path: string): void => {
        const handler: Middleware = (ctx) => {
          ctx.body = fixtureBody(r, (ctx as { params?: Record<string, string> }).params ?? {}, ctx.state.grant);
        };
        target.register(path, [r.method], [...middlewareFor(r.guard, gk, throwing), handler]);
      };
      if (layout === 'nested') {
        const inner = new Router();
        inner.use(gk.gate());
        for (const r of routes.filter(isV3)) add(inner, r, r.path.slice('/v3'.length));
        router.use('/v3', inner.routes());
      }
      for (const r of routes) if (layout !== 'nested' || !isV3(r)) add(router, r, r.path);
      app.use(router.routes());
      if (app !== outer) outer.use(mountAt(PREFIX, app));
      return outer.callback();
    },
  };
}

/** What test/adapters/nest/.app/contract-app.ts exports: the fixture routes as a Nest app, initialised. */
type ContractApp = (kit: GrantKit, routes: readonly FixtureRoute[]) => Promise<INestApplication>;

/**
 * Nest on its Express platform: a Nest app compiled with Nest's decorator settings, GrantKitGuard
 * and the decorators of grantkit/nest on the guarded rows, grantkit/express's routes(), gate() and
 * resolve() for the rest. The root layout only. Nest builds an app asynchronously, so the
 * listener waits for it; an app that fails to start answers every request with the reason.
 */
function nestMount(): Mount {
  return {
    name: 'nest',
    framework: 'nest',
    build(kit, routes = V2_FIXTURE_ROUTES, layout = 'root') {
      if (layout !== 'root') throw new Error(`the nest mount serves the root layout only, not "${layout}"`);
      // Imported here: the compiler it loads is no cost to the suites that never build this mount.
      const ready = import('../adapters/nest/compile.js')
        .then(({ importNestApp }) => importNestApp('contract-app'))
        .then((m) => (m['contractApp'] as ContractApp)(kit, routes))
        .then((app): RequestListener => app.getHttpAdapter().getInstance());
      ready.catch(() => undefined);
      return (req, res) => {
        ready.then(
          (listener) => listener(req, res),
          (e: unknown) => {
            res.statusCode = 500;
            res.end(e instanceof Error ? e.stack : String(e));
          },
        );
      };
    },
  };
}

/** Every framework mount the contracts run on; a new framework version is one more line. */
export const MOUNTS: readonly Mount[] = [
  expressMount('express4', express4),
  expressMount('express5', express5),
  koaMount('koa2', Koa2),
  koaMount('koa3', Koa3),
];

/** The mounts that serve the root layout: the framework mounts, and a Nest app on Express. */
export const ROOT_MOUNTS: readonly Mount[] = [...MOUNTS, nestMount()];
