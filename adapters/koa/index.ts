import type { Context, Middleware, Next } from 'koa';
import { adapt, type AdapterOptions, type FrameworkBinding, type GrantKitMiddleware } from '../../src/adapter.js';
import type { Grant, GrantKit } from '../../src/index.js';
import { koaStack } from './stack.js';

/** `routes({ only: ['native', 'hosted'] })` mounts those route families alone; the other types are what the middleware's methods answer. */
export type * from '../../src/adapter-types.js';

declare module 'koa' {
  interface DefaultState {
    /** The grant the request's token resolved to; set by grantkit's resolve() or guards. */
    grant?: Grant;
  }
}

/**
 * With `throwErrors`, Koa's default handler clears headers set before a throw and then applies
 * `err.headers`, so WWW-Authenticate travels on the error, never on ctx.
 */
export type KoaAdapterOptions = AdapterOptions;
/** The same five names as grantkit/express, as Koa middleware (app.use or @koa/router); `ctx.state.grant` is set. */
export type KoaGrantKit = GrantKitMiddleware<Middleware>;

/**
 * How Koa reads and answers a request. `ctx` is the handle: `ctx.secure` and `ctx.ip` honour
 * `app.proxy`, and @koa/router leaves the route's parameters on `ctx.params`.
 */
const koa: FrameworkBinding<Context, Next, Middleware> = {
  node: (ctx) => ctx.req,
  // koa-bodyparser and @koa/bodyparser leave their result here; otherwise the core reads ctx.req.
  body: (ctx) => ('body' in ctx.request ? ctx.request.body : undefined),
  rawBody: (ctx) => ('rawBody' in ctx.request && typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : undefined),
  query: (ctx) => ctx.querystring,
  setGrant(ctx, grant) {
    ctx.state.grant = grant;
  },
  write(ctx, r) {
    ctx.status = r.status;
    ctx.set(r.headers);
    // Koa turns a null body into 204; an empty string keeps the 200 (v2 /oauth/revoke), and the
    // text/plain Koa adds for it goes, so the wire matches Express byte for byte.
    ctx.body = r.payload ?? '';
    if (r.payload === undefined) ctx.remove('Content-Type');
  },
  raise(err) {
    throw err;
  },
  mount: (step) => step,
  stack: koaStack,
};

/** The Koa adapter: it translates, and all decisions stay in the core. */
export function grantkit(kit: GrantKit, options: KoaAdapterOptions = {}): KoaGrantKit {
  return adapt(kit, options, koa);
}
