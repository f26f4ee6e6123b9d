import { accessTokenOf, plainBearer, readAuthorization } from '../auth/credentials.js';
import { GrantKitError } from '../errors/error.js';
import type { Grant } from '../grants/grant.js';
import type { ScopeGuard } from '../guard.js';
import { isV3Path } from '../http/path-shape.js';
import type { AuthOutcome } from '../kit/authentication.js';
import type { MaybePromise } from '../store/store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { DecisionEvent, HashPrefix } from './events.js';
import { hashPrefix, tokenHashPrefix, type AuditTrail } from './trail.js';

/**
 * The one place a guard's or gate()'s verdict on an app route is reported: to the audit trail,
 * to the `grantkit.auth.decisions` counter, and as a `grantkit.guard` span around the
 * authentication (whose store call is its child). The kit asks `active` first, and only then
 * goes through here instead of applying the guard directly, so a kit with no `audit` option and
 * no SDK pays a few field reads per request.
 */
export class Decisions {
  readonly #audit: AuditTrail | undefined;
  readonly #telemetry: Telemetry;

  constructor(audit: AuditTrail | undefined, telemetry: Telemetry) {
    this.#audit = audit;
    this.#telemetry = telemetry;
  }

  get active(): boolean {
    return this.#audit !== undefined || this.#telemetry.counting || this.#telemetry.tracing;
  }

  /**
   * Authenticates, applies the guard to the outcome (a null guard only authenticates, as for
   * gate() rows any token may use) and reports the verdict. `method` is undefined when the
   * caller did not say (kit.authorize()).
   */
  decide(
    authenticate: (hashed: (hash: string) => void) => MaybePromise<AuthOutcome>,
    guard: ScopeGuard | null,
    method: string | undefined,
    url: string,
    authorization: string | string[] | undefined,
  ): MaybePromise<AuthOutcome> {
    const attributes = { 'grantkit.guard': guardName(guard), 'url.path': pathOf(url) };
    return this.#telemetry.span('grantkit.guard', attributes, (span) => {
      // The hash authentication computes is kept for the event; only an outcome resolve() found
      // earlier on the request leaves it unknown, and then the event hashes the token itself.
      let hash: string | undefined;
      const outcome = authenticate((h) => {
        hash = h;
      });
      const decided = (o: AuthOutcome): AuthOutcome => {
        const verdict = this.#decide(o, guard, { method, url, authorization, hash });
        span?.set('grantkit.outcome', verdict instanceof GrantKitError ? 'deny' : 'allow');
        if (verdict instanceof GrantKitError) span?.set('grantkit.reason', verdict.code);
        return verdict;
      };
      return outcome instanceof Promise ? outcome.then(decided) : decided(outcome);
    });
  }

  #decide(outcome: AuthOutcome, guard: ScopeGuard | null, request: DecidedRequest): AuthOutcome {
    let grant: Grant | undefined;
    let refused: GrantKitError | undefined;
    if (outcome instanceof GrantKitError) refused = outcome;
    else {
      grant = outcome;
      refused = guard?.check(outcome);
    }
    const family = isV3Path(request.url) ? 'v3' : 'v2';
    this.#telemetry.decision(refused === undefined ? 'allow' : 'deny', family);
    if (this.#audit !== undefined) this.#audit.emit(decisionEvent(guard, grant, refused, family, request));
    return refused ?? outcome;
  }
}

/** What a verdict is reported with; `hash` is the token's, when authentication computed it. */
interface DecidedRequest {
  readonly method: string | undefined;
  readonly url: string;
  readonly authorization: string | string[] | undefined;
  readonly hash: string | undefined;
}

/** The hash prefix of the token in an Authorization header, if it carries one. */
function hashOfHeader(authorization: string | string[] | undefined): HashPrefix | undefined {
  const token = plainBearer(authorization) ?? accessTokenOf(readAuthorization(authorization));
  return token === undefined ? undefined : tokenHashPrefix(token);
}

/** The request target without its query string: a token sent there (refused as misplaced) must not be recorded. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function guardName(guard: ScopeGuard | null): DecisionEvent['guard'] {
  return guard === null || guard.fromTable ? 'gate' : guard.mode === 'any' ? 'requireScopes' : 'requireAllScopes';
}

/** What the trail records of a verdict: ids, the scopes on both sides, and the token's hash prefix. */
function decisionEvent(
  guard: ScopeGuard | null,
  grant: Grant | undefined,
  refused: GrantKitError | undefined,
  family: 'v2' | 'v3',
  { method, url, authorization, hash }: DecidedRequest,
): Omit<DecisionEvent, 'time'> {
  const path = pathOf(url);
  const tokenHash = hash !== undefined ? hashPrefix(hash) : hashOfHeader(authorization);
  return {
    type: 'auth.decision',
    outcome: refused === undefined ? 'allow' : 'deny',
    guard: guardName(guard),
    family,
    route: method === undefined ? { path } : { method, path },
    required: guard === null ? [] : guard.scopes,
    ...(grant !== undefined ? { held: grant.scopes, grantId: grant.id, clientId: grant.clientId } : {}),
    ...(tokenHash !== undefined ? { tokenHash } : {}),
    ...(refused !== undefined ? { reason: refused.code, status: refused.status } : {}),
  };
}
