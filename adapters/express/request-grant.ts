import type { Request } from 'express';
import type { Grant } from '../../src/index.js';

/**
 * Where `req.grant` lives on an Express request. Assigning a new own property to Node's request
 * object, after the two dozen Express and Node have put there, costs about 1.2 KB of young
 * garbage per request (measured with V8's sampling heap profiler under load): that doubled the
 * scavenge pauses of a guarded Express route, and was most of what it cost over a 30-line check.
 * So `grant` is defined once per app as an accessor on the app's request prototype, and the
 * value is kept in `res.locals`, the object Express makes fresh for every request for exactly
 * this kind of thing. Reading and assigning `req.grant` work as before; only `Object.keys(req)`
 * no longer lists it.
 */
const GRANT = Symbol('grantkit.grant');

interface Locals {
  [GRANT]?: Grant | undefined;
}

const prepared = new WeakSet<object>();

export function setRequestGrant(req: Request, grant: Grant): void {
  const proto: unknown = Object.getPrototypeOf(req);
  if (typeof proto === 'object' && proto !== null && !prepared.has(proto)) prepare(proto);
  req.grant = grant;
}

function prepare(proto: object): void {
  prepared.add(proto);
  // An app (or another copy of this adapter) that already defined `grant` keeps its definition.
  if (Object.getOwnPropertyDescriptor(proto, 'grant') !== undefined) return;
  Object.defineProperty(proto, 'grant', {
    configurable: true,
    enumerable: false,
    get(this: Request): Grant | undefined {
      return localsOf(this)?.[GRANT];
    },
    set(this: Request, grant: Grant | undefined) {
      const locals = localsOf(this);
      if (locals !== undefined) locals[GRANT] = grant;
      // A request Express did not prepare (no res.locals): an own property, as before.
      else Object.defineProperty(this, 'grant', { value: grant, writable: true, enumerable: true, configurable: true });
    },
  });
}

function localsOf(req: Request): Locals | undefined {
  const locals: unknown = req.res?.locals;
  return typeof locals === 'object' && locals !== null ? locals : undefined;
}
