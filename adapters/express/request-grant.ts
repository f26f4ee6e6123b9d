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

/** Each request prototype seen: whether its `grant` accessor is this module's (else the app's or another copy's). */
const accessorIsOurs = new WeakMap<object, boolean>();

export function setRequestGrant(req: Request, grant: Grant): void {
  const proto: unknown = Object.getPrototypeOf(req);
  if (typeof proto !== 'object' || proto === null) {
    req.grant = grant;
    return;
  }
  const ours = accessorIsOurs.get(proto);
  if (ours === undefined) {
    // The first request of this app: an own `grant` its middleware set before the accessor
    // existed must be the one assigned, so this once through the property.
    accessorIsOurs.set(proto, prepare(proto));
    req.grant = grant;
    return;
  }
  // Straight into res.locals when the accessor is ours: assigning `req.grant` would be one more
  // property access on Express's `req`, each an inline-cache miss (see src/adapter.ts), to reach
  // the same setter.
  const locals = ours ? localsOf(req) : undefined;
  if (locals !== undefined) locals[GRANT] = grant;
  else req.grant = grant;
}

/** Defines the `grant` accessor on a request prototype, unless one is there; true when it is ours. */
function prepare(proto: object): boolean {
  // An app (or another copy of this adapter) that already defined `grant` keeps its definition.
  if (Object.getOwnPropertyDescriptor(proto, 'grant') !== undefined) return false;
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
  return true;
}

function localsOf(req: Request): Locals | undefined {
  const locals: unknown = req.res?.locals;
  return typeof locals === 'object' && locals !== null ? locals : undefined;
}
