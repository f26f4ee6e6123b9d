import type { NextFunction, Request, RequestHandler } from 'express';
import { adapt, writeServerResponse, type AdapterOptions, type FrameworkBinding, type GrantKitMiddleware } from '../../src/adapter.js';
import type { Grant, GrantKit } from '../../src/index.js';
import { setRequestGrant } from './request-grant.js';
import { expressStack } from './stack.js';

/** `routes({ only: ['native', 'hosted'] })` mounts those route families alone; the other types are what the middleware's methods answer. */
export type * from '../../src/adapter-types.js';

declare global {
  namespace Express {
    interface Request {
      /** The grant the request's token resolved to; set by grantkit's resolve() or guards. */
      grant?: Grant;
    }
  }
}

export type ExpressAdapterOptions = AdapterOptions;
/** `req.grant` is set by resolve() and the guards. */
export type ExpressGrantKit = GrantKitMiddleware<RequestHandler>;

/**
 * How Express reads and answers a request. `req` is the handle: `req.secure` and `req.ip` honour
 * the app's `trust proxy`, and Express links `req.res` on every request it routes.
 */
const express: FrameworkBinding<Request, NextFunction, RequestHandler> = {
  node: (req) => req,
  body: (req) => (req as { body?: unknown }).body,
  query: (req) => (req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : ''),
  setGrant: setRequestGrant,
  write: (req, r) => writeServerResponse(req.res!, r),
  raise: (err, next) => next(err),
  mount(step) {
    // Express 4 ignores what a handler returns; errors reach it through next(err) only.
    const handler: RequestHandler = (req, _res, next) => void step(req, next);
    return Object.defineProperty(handler, 'name', { value: step.name });
  },
  stack: expressStack,
};

/** The Express adapter: it translates, and all decisions stay in the core. */
export function grantkit(kit: GrantKit, options: ExpressAdapterOptions = {}): ExpressGrantKit {
  return adapt(kit, options, express);
}
