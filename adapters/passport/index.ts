import type { Request, Response } from 'express';
import { Strategy } from 'passport-strategy';
import { guardFailure, requestInput, writeServerResponse } from '../../src/adapter.js';
import { GrantKitError, type AuthOutcome, type Grant, type GrantKit } from '../../src/index.js';

// The strategy sets `req.grant`, so it declares the property itself, as grantkit/express does.
declare global {
  namespace Express {
    interface Request {
      /** The grant the request's token resolved to; set by this strategy. */
      grant?: Grant;
    }
  }
}

export interface GrantKitStrategyOptions {
  /**
   * Leave failures to passport (`this.fail(challenge, status)`) so that the next strategy in
   * `passport.authenticate(['grantkit', 'other'])` gets its turn. Passport then answers with its
   * own plain-text "Unauthorized" body; only the WWW-Authenticate challenge stays grantkit's.
   * Off by default: grantkit writes its documented 401 JSON body itself.
   */
  readonly delegateFailures?: boolean;
}

/**
 * A passport strategy named 'grantkit': `passport.authenticate('grantkit', { session: false })`
 * resolves the request's token through the core (`kit.authenticate`) and sets `req.user` and
 * `req.grant` to the Grant. Scope checks stay with grantkit's guards (`gk.requireScopes(...)`).
 *
 * It does NOT check scopes, and it does NOT use sessions: every request carries its own token.
 *
 * @example
 * passport.use(new GrantKitStrategy(kit));
 * app.get('/messages', passport.authenticate('grantkit', { session: false }), gk.requireScopes('email.read_only'), list);
 */
export class GrantKitStrategy extends Strategy {
  readonly name = 'grantkit';
  // TypeScript-private, not #private: passport runs each request on Object.create(strategy),
  // and #fields are not reachable through a prototype.
  private readonly kit: GrantKit;
  private readonly delegate: boolean;

  constructor(kit: GrantKit, options: Readonly<GrantKitStrategyOptions> = {}) {
    super();
    this.kit = kit;
    this.delegate = options.delegateFailures === true;
  }

  override authenticate(req: Request): void {
    const outcome = this.kit.authenticateRequest(requestInput(req, req, (req as { body?: unknown }).body));
    if (outcome instanceof Promise) outcome.then((o) => this.settle(req, o), (e: unknown) => this.error(asError(e)));
    else this.settle(req, outcome);
  }

  private settle(req: Request, outcome: AuthOutcome): void {
    if (!(outcome instanceof GrantKitError)) {
      req.grant = outcome;
      return this.success(outcome);
    }
    const res: Response | undefined = req.res;
    if (this.delegate || res === undefined) {
      return this.fail(outcome.headers['www-authenticate'] ?? '', outcome.status);
    }
    // Passport's own 401 is text/plain "Unauthorized"; grantkit's clients expect the documented
    // JSON body, so the response is written here and passport's chain ends with it.
    writeServerResponse(res, guardFailure(outcome, req.originalUrl));
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** @deprecated Use `GrantKitStrategy`. */
export const GrantkitStrategy = GrantKitStrategy;
/** @deprecated Use `GrantKitStrategy`. */
export type GrantkitStrategy = GrantKitStrategy;
/** @deprecated Use `GrantKitStrategyOptions`. */
export type GrantkitStrategyOptions = GrantKitStrategyOptions;
