import { HttpException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { adapt, writeServerResponse, type AdapterOptions, type FrameworkBinding, type GrantKitMiddleware } from '../../src/adapter.js';
import { isGrantKitError, type Grant, type GrantKit } from '../../src/index.js';
import { ACCESS_RULE, isAccessRule, type AccessRule } from './rules.js';

// The guard sets `req.grant`, so it declares the property itself, as grantkit/express does.
declare global {
  namespace Express {
    interface Request {
      /** The grant the request's token resolved to; set by GrantKitGuard. */
      grant?: Grant;
    }
  }
}

/**
 * `throwErrors` hands the GrantKitError itself (status, headers, rendered body) to the app's
 * exception filters; without it a refusal reaches Nest as an HttpException that Nest's own
 * filter writes as grantkit's documented body.
 */
export type GrantKitGuardOptions = AdapterOptions;

/** One compiled rule for one request: it settles when the grant passes and throws a refusal. */
type Check = (req: Request) => unknown;
/** The core's "go on": a request whose grant passes ends its check here. */
type Proceed = () => true;
const proceed: Proceed = () => true;

/**
 * How a Nest guard sits on the shared adapter core. Nest runs guards after Express has routed
 * the request, so `req.params` holds the route's parameters, and `req.secure` and `req.ip`
 * honour the app's `trust proxy`.
 */
const nest: FrameworkBinding<Request, Proceed, Check> = {
  node: (req) => req,
  body: (req): unknown => req.body,
  query: (req) => (req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : ''),
  setGrant(req, grant) {
    req.grant = grant;
  },
  // Unused by the guard, which mounts no routes() and whose core raises every refusal instead.
  write: (req, r) => writeServerResponse(req.res!, r),
  raise(err) {
    throw err;
  },
  mount: (step) => (req) => step(req, proceed),
};

/**
 * A Nest guard on grantkit's core: it reads the rule that `@RequireScopes()`,
 * `@RequireAllScopes()` or `@Public()` left on the handler (else on its controller), checks the
 * request's token against it, and sets `req.grant`. A 401 or 403 carries grantkit's documented
 * body and WWW-Authenticate, as grantkit/express writes them.
 *
 * It does NOT serve a handler that has no rule: that request fails (a 500 that names the
 * handler) instead of running open by accident. Mark open handlers `@Public()`.
 *
 * @example
 * app.useGlobalGuards(new GrantKitGuard(kit));
 * // or, in a module: providers: [{ provide: APP_GUARD, useValue: new GrantKitGuard(kit) }]
 */
export class GrantKitGuard implements CanActivate {
  readonly #core: GrantKitMiddleware<Check>;
  readonly #throwErrors: boolean;
  readonly #reflector = new Reflector();
  /** Each rule compiled once, on the first request it guards: the decorators cannot see the kit. */
  readonly #checks = new WeakMap<AccessRule, Check>();

  constructor(kit: GrantKit, options: Readonly<GrantKitGuardOptions> = {}) {
    // Nest builds a guard class it is given by reference (@UseGuards(GrantKitGuard)) with no
    // arguments; say how to give it the kit instead of failing on the first request.
    if (kit === undefined || kit === null) {
      throw new TypeError('grantkit: GrantKitGuard needs the kit; pass an instance: app.useGlobalGuards(new GrantKitGuard(kit)) or @UseGuards(new GrantKitGuard(kit))');
    }
    this.#throwErrors = options.throwErrors === true;
    // The core always raises, so a refusal leaves canActivate as an exception, the way Nest expects.
    this.#core = adapt(kit, { ...options, throwErrors: true }, nest);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.#ruleOf(context);
    if (rule.kind === 'public') return true;
    if (context.getType() !== 'http') {
      throw new TypeError(`grantkit: GrantKitGuard guards HTTP routes; ${handlerName(context)} runs in a "${context.getType()}" context`);
    }
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (typeof req.path !== 'string') throw new TypeError("grantkit: GrantKitGuard runs on Nest's Express platform (@nestjs/platform-express)");
    try {
      return (await this.#checkFor(rule)(req)) === true;
    } catch (e) {
      throw this.#refusal(e, http.getResponse<Response>());
    }
  }

  #ruleOf(context: ExecutionContext): AccessRule {
    const found: unknown = this.#reflector.getAllAndOverride(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (isAccessRule(found)) return found;
    throw new TypeError(
      `grantkit: ${handlerName(context)} has no access rule; add @RequireScopes(), @RequireAllScopes() or @Public(), or one on its controller`,
    );
  }

  #checkFor(rule: Exclude<AccessRule, { kind: 'public' }>): Check {
    let check = this.#checks.get(rule);
    if (check === undefined) {
      check = rule.mode === 'any' ? this.#core.requireScopes(...rule.scopes) : this.#core.requireAllScopes(...rule.scopes);
      this.#checks.set(rule, check);
    }
    return check;
  }

  /**
   * A refusal as Nest should see it. Nest's own exception filter writes an HttpException's
   * response object as the body, so grantkit's rendered body goes there and its headers
   * (WWW-Authenticate, x-request-id) onto the response first. Anything else, and every refusal
   * under `throwErrors`, goes to the app's filters as it is.
   */
  #refusal(e: unknown, res: Response): unknown {
    if (this.#throwErrors || !isGrantKitError(e) || typeof e.body !== 'object' || e.body === null) return e;
    for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
    return new HttpException(e.body, e.status, { cause: e });
  }
}

function handlerName(context: ExecutionContext): string {
  return `${context.getClass().name}.${context.getHandler().name}`;
}
